// `sopstate render <file> --format mermaid|dot|json`: the workflow graph with edge modes and conditions.
import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../../osop/diagnostics.ts';
import type { Workflow } from '../../osop/workflow.ts';

type Format = 'mermaid' | 'dot' | 'json';

const RENDERERS: Record<Format, () => Promise<(workflow: Workflow) => string>> = {
  mermaid: async () => (await import('../../osop/render-mermaid.ts')).renderMermaid,
  dot: async () => (await import('../../osop/render-dot.ts')).renderDot,
  json: async () => {
    const { workflowGraph } = await import('../../osop/render-graph.ts');
    return (workflow) => `${JSON.stringify(workflowGraph(workflow), null, 2)}\n`;
  },
};

export function registerRender(program: Command): void {
  program
    .command('render')
    .description('print the workflow graph for Mermaid or Graphviz')
    .argument('<file>', 'workflow file, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
    .action(async (file: string, flags: { format: Format }) => {
      const { loadWorkflowFile } = await import('../../osop/load.ts');
      const { workflow, diagnostics } = await loadWorkflowFile(file).catch((failure: Error) => ({
        workflow: undefined,
        diagnostics: [
          { file, line: 1, col: 1, severity: 'error' as const, code: 'internal', path: '', message: failure.message },
        ],
      }));
      if (!workflow) {
        for (const diagnostic of diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
        process.exitCode = 2;
        return;
      }
      const render = await RENDERERS[flags.format]();
      process.stdout.write(render(workflow));
    });
}
