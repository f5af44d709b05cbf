// Calls whose outcome is unknown (5xx, timeout, lost response after sending): repeat with the same key, or say so.
import type { RetryPolicy } from '../osop/workflow.ts';
import { NodeError } from './executor.ts';
import { formatDuration } from './timeout.ts';

/** How long a call with an Idempotency-Key is repeated before the run ends "outcome unknown" (Stripe keeps keys 24 h). */
export const UNCERTAIN_WINDOW_MS = 24 * 3_600_000;

/** The schedule after a node's own retries are spent: 1 s, 2 s, 4 s... up to 10 minutes apart. */
export const UNCERTAIN_BACKOFF: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  backoff: { type: 'exponential', initialMs: 1000, maxMs: 10 * 60_000, multiplier: 2 },
};

export const isUncertain = (error: unknown): error is NodeError => error instanceof NodeError && error.indeterminate;

/** The request carried an Idempotency-Key: a repeat is answered with the first result, so it cannot act twice. */
export const isReplaySafe = (error: NodeError): boolean => error.idempotencyKey !== undefined;

/** The final word on a call that may or may not have happened: nothing automatic may follow it. */
export function outcomeUnknown(error: NodeError, node: string, triedForMs?: number): NodeError {
  const call = error.call ?? `the call of ${node}`;
  const key = error.idempotencyKey ? ` (Idempotency-Key ${error.idempotencyKey})` : '';
  const tried =
    triedForMs === undefined
      ? 'its retries are spent'
      : `it was repeated with the same key for ${formatDuration(triedForMs)}`;
  const message =
    `outcome unknown — reconcile by hand: ${call}${key} may have taken effect; ` +
    `${tried} without a definite answer (last: ${error.message})`;
  return error.with({ code: 'outcome_unknown', retryable: false, indeterminate: true, call }, message);
}
