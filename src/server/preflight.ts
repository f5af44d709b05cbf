// Everything that must hold before a run starts: a valid workflow, allowed node types, secrets, inputs.
import type { Diagnostic, Workflow } from '../osop/workflow.ts';
import { liveBlockers } from '../osop/live-support.ts';
import { checkInputs } from './run-inputs.ts';

export interface PreflightOptions {
  allowCli: boolean;
  hasSecret: (name: string) => boolean;
}

export interface Preflight {
  inputs: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

export const preflight = (workflow: Workflow, rawInputs: unknown, options: PreflightOptions): Preflight => {
  const diagnostics: Diagnostic[] = liveBlockers(workflow);
  if (!options.allowCli) {
    for (const node of workflow.nodes.filter((n) => n.type === 'cli')) {
      diagnostics.push({
        ...node.position,
        severity: 'error',
        code: 'cli-not-allowed',
        path: `nodes.${node.id}`,
        message: `node ${node.id} runs a shell command, and this server does not allow cli nodes`,
        suggestion: 'start the server with --allow-cli if you trust this workflow folder',
      });
    }
  }
  for (const name of workflow.secrets.filter((secret) => !options.hasSecret(secret))) {
    diagnostics.push({
      file: workflow.file,
      line: 1,
      col: 1,
      severity: 'error',
      code: 'missing-secret',
      path: `secrets.${name}`,
      message: `the workflow uses \${secrets.${name}}, which is not set on the server`,
      suggestion: `set ${name} in the server's environment`,
    });
  }
  const checked = checkInputs(workflow, rawInputs);
  return { inputs: checked.inputs, diagnostics: [...diagnostics, ...checked.diagnostics] };
};
