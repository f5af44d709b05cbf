// Everything that must hold before a run starts: a valid workflow, allowed node types, secrets, inputs.
import type { Diagnostic, Workflow } from '../osop/workflow.ts';
import { liveBlockers } from '../osop/live-support.ts';
import { missingSecrets } from '../osop/missing-secrets.ts';
import { checkStartInputs, type StartInputs } from './start-inputs.ts';

export interface PreflightOptions {
  allowCli: boolean;
  hasSecret: (name: string) => boolean;
  /** A dry run calls nothing: live-only limits, cli permission and secrets do not stop it. */
  dryRun?: boolean;
}

export interface Preflight {
  inputs: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

export const preflight = (workflow: Workflow, given: StartInputs, options: PreflightOptions): Preflight => {
  const diagnostics: Diagnostic[] = options.dryRun ? [] : liveBlockers(workflow);
  if (!options.allowCli && !options.dryRun) {
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
  for (const missing of options.dryRun ? [] : missingSecrets(workflow, options.hasSecret)) {
    diagnostics.push({
      file: workflow.file,
      line: 1,
      col: 1,
      severity: 'error',
      code: 'missing-secret',
      path: missing.path,
      message: `${missing.message} on the server`,
      suggestion: `set ${missing.secret} in the server's environment`,
    });
  }
  const checked = checkStartInputs(workflow, given);
  return { inputs: checked.inputs, diagnostics: [...diagnostics, ...checked.diagnostics] };
};
