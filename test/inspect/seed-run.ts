// The seed payment SOP run in-process against the Stripe and Claude emulators, for the inspection tests.
import { createServiceExecutors, resolveServiceMode, serviceSecrets } from '../../src/services/service-endpoints.ts';
import type { RunOptions, RunResult } from '../../src/machine/run-options.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.ts';

export const SEED_FILE = 'examples/stripe-payment-seed.osop.yaml';

export const loadWorkflow = async (file: string): Promise<Workflow> => {
  const { workflow, diagnostics } = await loadWorkflowFile(file);
  if (!workflow) throw new Error(`${file} does not load: ${diagnostics.map((d) => d.message).join('; ')}`);
  return workflow;
};

export interface SeedRunner {
  workflow: Workflow;
  /** The service keys the run gets as secrets (the sandbox's). */
  secrets: Record<string, string>;
  run(options?: Partial<RunOptions>): Promise<RunResult>;
  close(): Promise<void>;
}

/** Runs a workflow (the seed by default) against a fresh sandbox. */
export const seedRunner = async (file = SEED_FILE): Promise<SeedRunner> => {
  const sandbox: Sandbox = await startSandbox();
  const modes = resolveServiceMode({}, { forceSandbox: true });
  const workflow = await loadWorkflow(file);
  const secrets = serviceSecrets(modes, {});
  return {
    workflow,
    secrets,
    run: (options = {}) =>
      startRun({
        workflow,
        executors: createServiceExecutors({ mode: modes, sandbox, env: {} }),
        random: () => 0,
        ...options,
        secrets: { ...secrets, ...options.secrets },
      }).done,
    close: () => sandbox.close(),
  };
};
