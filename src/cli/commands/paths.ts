// `sopstate paths <file> [--json] [--max N]`: every way the workflow can go, start to final status.
import { InvalidArgumentError, type Command } from 'commander';
import { formatDiagnostic } from '../../osop/diagnostics.ts';
import type { Workflow } from '../../osop/workflow.ts';
import { DEFAULT_MAX_PATHS } from '../../paths/limits.ts';

export function parseMax(value: string): number {
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1)
    throw new InvalidArgumentError('--max takes a whole number of paths, at least 1');
  return max;
}

/** Loads a workflow for the path commands; on invalid input prints located diagnostics and sets exit code 2. */
export async function loadOrReport(file: string): Promise<Workflow | undefined> {
  const { loadWorkflowFile } = await import('../../osop/load.ts');
  const { workflow, diagnostics } = await loadWorkflowFile(file);
  if (!workflow) {
    for (const diagnostic of diagnostics)
      if (diagnostic.severity === 'error') process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
    process.exitCode = 2;
  }
  return workflow;
}

/** Runs `work`, turning a workflow the machine compiler rejects into a clear message and exit code 2. */
export async function reportingCompileErrors(work: () => Promise<void> | void): Promise<void> {
  try {
    await work();
  } catch (failure) {
    if (!(failure instanceof Error) || failure.name !== 'CompileError') throw failure;
    process.stderr.write(`cannot build the state machine: ${failure.message}\n`);
    process.exitCode = 2;
  }
}

export function registerPaths(program: Command): void {
  program
    .command('paths')
    .description('list every path from the start to a final status, with the outcome that drives each step')
    .argument('<file>', 'workflow file')
    .option('--json', 'print the paths as JSON')
    .option('--max <n>', 'stop after this many paths', parseMax, DEFAULT_MAX_PATHS)
    .action(async (file: string, flags: { json?: boolean; max: number }) => {
      const workflow = await loadOrReport(file);
      if (!workflow) return;
      const [{ enumeratePaths }, { formatEnumeration }] = await Promise.all([
        import('../../paths/enumerate.ts'),
        import('../../paths/format.ts'),
      ]);
      await reportingCompileErrors(() => {
        const result = enumeratePaths(workflow, { max: flags.max });
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatEnumeration(result)}\n`);
      });
    });
}
