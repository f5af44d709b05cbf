// `sopstate test <file> [--sandbox] [--max N] [--min-coverage P] [--json]`: runs every path; exit 1 when any run
// leaves its path, or when the runs exercise less than P% of the edges (100 by default).
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MAX_PATHS } from '../../paths/limits.ts';
import type { PathRunner } from '../../paths/test-paths.ts';
import { loadOrReport, parseMax, reportingCompileErrors } from './paths.ts';

interface TestFlags {
  sandbox?: boolean;
  max: number;
  minCoverage: number;
  json?: boolean;
}

function parsePercent(value: string): number {
  const percent = Number(value);
  if (value.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
    throw new InvalidArgumentError('--min-coverage takes a percentage from 0 to 100');
  return percent;
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      'run every path of the workflow: stubbed nodes (model level), or the real adapters against the emulators (--sandbox)',
    )
    .argument('<file>', 'workflow file')
    .option('--sandbox', 'drive each path with the real Stripe/Claude adapters against the local emulators')
    .option('--max <n>', 'stop after this many paths', parseMax, DEFAULT_MAX_PATHS)
    .option('--min-coverage <percent>', 'exit 1 when the runs exercise fewer of the edges than this', parsePercent, 100)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: TestFlags) => {
      const workflow = await loadOrReport(file);
      if (!workflow) return;
      const [{ coverageShortfall, formatCheck, formatReport }, { testPaths }, { withSandboxRunner }] =
        await Promise.all([
          import('../../paths/format-report.ts'),
          import('../../paths/test-paths.ts'),
          import('../../paths/sandbox-runner.ts'),
        ]);
      await reportingCompileErrors(async () => {
        const print = (text: string) => {
          if (!flags.json) process.stdout.write(`${text}\n`);
        };
        const run = async (runner?: PathRunner) =>
          testPaths(workflow, { max: flags.max, runner, onPath: (_, check) => check && print(formatCheck(check)) });
        if (flags.sandbox)
          print(
            'sandbox: Stripe and Claude emulated locally; each path driven through the real adapters with test cards and injected faults',
          );
        const { report, undriven } = flags.sandbox
          ? await withSandboxRunner(workflow, async (runner) => run(runner))
          : { report: await run(), undriven: [] };
        const shortfall = coverageShortfall(report.coverage, flags.minCoverage);
        if (flags.json)
          process.stdout.write(
            `${JSON.stringify({ ...report, undriven, minCoverage: flags.minCoverage, shortfall }, null, 2)}\n`,
          );
        else print(formatReport(report, undriven));
        if (shortfall) print(shortfall);
        process.exitCode = report.passed && !shortfall ? 0 : 1;
      });
    });
}
