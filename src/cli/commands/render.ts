// `sopstate render <file> --format mermaid|dot|json`: the workflow graph with edge modes and conditions.
import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../../osop/diagnostics.ts';
import { loadWorkflowFile } from '../../osop/load.ts';
import { renderDot } from '../../osop/render-dot.ts';
import { workflowGraph } from '../../osop/render-graph.ts';
import { renderMermaid } from '../../osop/render-mermaid.ts';
import type { Workflow } from '../../osop/workflow.ts';

type Format = 'mermaid' | 'dot' | 'json';

const RENDERERS: Record<Format, (workflow: Workflow) => string> = {
  mermaid: renderMermaid,
  dot: renderDot,
  json: (workflow) => `${JSON.stringify(workflowGraph(workflow), null, 2)}\n`,
};

export function registerRender(program: Command): void {
  program
    .command('render')
    .description('print the workflow graph for Mermaid or Graphviz')
    .argument('<file>', 'workflow file, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
    .action(async (file: string, flags: { format: Format }) => {
      const { workflow, diagnostics } = await loadWorkflowFile(file).catch((failure: Error) => ({
        workflow: undefined,
        diagnostics: [{ file, line: 1, col: 1, severity: 'error' as const, code: 'internal', path: '', message: failure.message }],
      }));
      if (!workflow) {
        for (const diagnostic of diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(RENDERERS[flags.format](workflow));
    });
}
