// `sopstate test <file> [--sandbox] [--max N] [--json]`: runs every path; exit 1 when any run leaves its path.
import type { Command } from 'commander';
import { DEFAULT_MAX_PATHS } from '../../paths/limits.ts';
import type { PathRunner } from '../../paths/test-paths.ts';
import { loadOrReport, parseMax, reportingCompileErrors } from './paths.ts';

interface TestFlags {
  sandbox?: boolean;
  max: number;
  json?: boolean;
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
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: TestFlags) => {
      const workflow = await loadOrReport(file);
      if (!workflow) return;
      const [{ formatCheck, formatReport }, { testPaths }, { withSandboxRunner }] = await Promise.all([
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
        if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, undriven }, null, 2)}\n`);
        else print(formatReport(report, undriven));
        process.exitCode = report.passed ? 0 : 1;
      });
    });
}
