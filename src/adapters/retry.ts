// Retries with backoff and jitter, for retryable NodeErrors only (docs/semantics.md "Retries and timeouts").
import type { RetryPolicy, Workflow, WorkflowNode } from '../osop/workflow.ts';
import { NodeError, type Executor } from './executor.ts';

/** api nodes without a policy retry twice with exponential backoff, like the official SDKs. */
export const API_DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  backoff: { type: 'exponential', initialMs: 500, maxMs: 8_000, multiplier: 2 },
};

/**
 * The original request with this idempotency key is still being processed (e.g. a resumed run whose
 * first confirm is still running at Stripe). Waiting for it is not a failed attempt, and giving up
 * would let a fallback charge again, so these are retried until the original answers.
 */
export const IN_FLIGHT_CODES: ReadonlySet<string> = new Set(['idempotency_key_in_use']);
/** How long to keep waiting for an in-flight original before treating it as an ordinary failure. */
export const IN_FLIGHT_PATIENCE_MS = 120_000;

export interface RetryOptions {
  /** In [0, 1); the jitter source. */
  random?: () => number;
  /** Called before every attempt, from 1. */
  onAttempt?: (attempt: number) => void;
}

export function retryPolicyFor(workflow: Pick<Workflow, 'retry'>, node: WorkflowNode): RetryPolicy | undefined {
  return node.retry ?? workflow.retry ?? (node.type === 'api' ? API_DEFAULT_RETRY : undefined);
}

/** The wait after failed attempt `attempt` (from 1): half fixed, half random, capped at `maxMs`. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const { type, initialMs, maxMs, multiplier } = policy.backoff;
  const base = type === 'fixed' ? initialMs : initialMs * multiplier ** (attempt - 1);
  const capped = Math.min(base, maxMs > 0 ? maxMs : base);
  return Math.round(capped / 2 + (capped / 2) * random());
}

export function isRetryable(error: unknown, policy: RetryPolicy): error is NodeError {
  if (!(error instanceof NodeError) || !error.retryable) return false;
  if (!policy.retryableErrors) return true;
  const status = error.status === undefined ? [] : [String(error.status), `${String(error.status)[0]}xx`];
  return [error.code, ...status].some((name) => policy.retryableErrors!.includes(name));
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const isInFlight = (error: unknown): error is NodeError => error instanceof NodeError && IN_FLIGHT_CODES.has(error.code);

export function withRetry(executor: Executor, policy: RetryPolicy | undefined, options: RetryOptions = {}): Executor {
  const maxAttempts = Math.max(1, policy?.maxAttempts ?? 1);
  return async (execution) => {
    let attempt = 1;
    let inFlightWaits = 0;
    let waitedForOriginalMs = 0;
    for (;;) {
      options.onAttempt?.(attempt);
      try {
        return await executor({ ...execution, attempt });
      } catch (error) {
        if (!policy || execution.signal.aborted) throw error;
        // Waiting for an in-flight original is not a failed attempt: the same attempt runs again.
        const waitForOriginal = isInFlight(error) && waitedForOriginalMs < IN_FLIGHT_PATIENCE_MS;
        if (!waitForOriginal && (attempt >= maxAttempts || !isRetryable(error, policy))) throw error;
        const retried = error as NodeError;
        const delayMs = retried.retryAfterMs ?? backoffDelay(policy, waitForOriginal ? ++inFlightWaits : attempt, options.random);
        if (waitForOriginal) waitedForOriginalMs += delayMs;
        else attempt++;
        execution.emit({ type: 'node.retrying', node: execution.node.id, attempt, delayMs, error: retried.toInfo() });
        await sleep(delayMs, execution.signal);
      }
    }
  };
}
