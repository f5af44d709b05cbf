// The seed payment SOP run by sopstate (the built package): loader → runner → the service executors pointed at the
// sandbox.
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import type { FetchLike } from '../../src/adapters/api/http.ts';
import { createServiceExecutors, loadWorkflowFile, serviceSecrets, startRun } from '../lib/built-package.ts';

const SANDBOX_MODES = { stripe: 'sandbox', anthropic: 'sandbox' } as const;

export async function loadSeed(file: string): Promise<Workflow> {
  const { workflow, diagnostics } = await loadWorkflowFile(file);
  if (!workflow)
    throw new Error(
      `the seed ${file} does not load: ${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`,
    );
  return workflow;
}

export interface EngineOptions {
  fetch?: FetchLike;
}

/** One run per call; no writeRecord, so no .osoplog is written. Rejects unless the run completes with the receipt. */
export function createEngine(workflow: Workflow, urls: SandboxUrls, options: EngineOptions = {}): () => Promise<void> {
  const executors = createServiceExecutors({ mode: SANDBOX_MODES, sandbox: urls, env: {}, fetch: options.fetch });
  const secrets = serviceSecrets(SANDBOX_MODES, {});
  return async () => {
    const result = await startRun({ workflow, executors, secrets }).done;
    if (result.status !== 'COMPLETED' || typeof result.outputs.send_receipt?.text !== 'string') {
      const failed = result.events.find((event) => event.type === 'run.failed');
      throw new Error(
        `the seed run ended ${result.status}${failed && 'error' in failed ? `: ${failed.error.message}` : ' without a receipt'}`,
      );
    }
  };
}
