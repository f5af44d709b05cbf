// Executors that need no service: dry run, cli (when allowed), human. `*` is the fallback for any other node type.
import { cliExecutor, cliRefused } from './cli.ts';
import { dryRunExecutor } from './dry-run.ts';
import type { Executor, ExecutorRegistry } from './executor.ts';
import { createHumanExecutor, type HumanGate } from './human.ts';

export interface LocalExecutorOptions {
  allowCli?: boolean;
  dryRun?: boolean;
  /** Dry run: what each node completes with (the CLI and server plan it from the workflow's paths); default x-sample. */
  dryRunExecutor?: Executor;
  /** Share the gate with startRun({ humanGate }); without one the runner waits on its own gate. */
  humanGate?: HumanGate;
}

/** The key a registry may use for "every other node type". */
export const ANY_TYPE = '*';

export function createLocalExecutors(options: LocalExecutorOptions = {}): ExecutorRegistry {
  const registry: ExecutorRegistry = options.dryRun
    ? { [ANY_TYPE]: options.dryRunExecutor ?? dryRunExecutor }
    : { cli: options.allowCli ? cliExecutor : cliRefused };
  if (options.humanGate) registry.human = createHumanExecutor(options.humanGate);
  return registry;
}
