// Retries with backoff and jitter, for retryable NodeErrors only (docs/semantics.md "Retries and timeouts").
import type { RetryPolicy, Workflow, WorkflowNode } from '../osop/workflow.ts';
import { NodeError, type Executor, type NodeExecution } from './executor.ts';
import { errorMessage } from '../util/error-message.ts';
import { isReplaySafe, isUncertain, outcomeUnknown, UNCERTAIN_BACKOFF, UNCERTAIN_WINDOW_MS } from './uncertain.ts';

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
const IN_FLIGHT_CODES: ReadonlySet<string> = new Set(['idempotency_key_in_use']);
/** How long to keep waiting for an in-flight original before treating it as an ordinary failure. */
export const IN_FLIGHT_PATIENCE_MS = 120_000;

export interface RetryOptions {
  /** In [0, 1); the jitter source. */
  random?: () => number;
  /** Called before every attempt, from 1. */
  onAttempt?: (attempt: number) => void;
}

/**
 * agent nodes without a policy retry what the Anthropic SDK retries by default, twice (sopstate turns the SDK's own
 * retries off so that every attempt is an event): a connection lost or timed out before the reply (a stale keep-alive
 * socket the server had closed), 408, 409, 429 and 5xx (529 overloaded). A stream that fails after its text began is
 * not repeated, as the SDK does not: that text was already shown. A policy of the node's or the workflow's wins.
 */
const AGENT_DEFAULT_RETRY: RetryPolicy = {
  ...API_DEFAULT_RETRY,
  retryableErrors: ['network_error', 'request_timeout', '408', '409', '429', '5xx'],
};

const DEFAULT_RETRY: Readonly<Record<string, RetryPolicy>> = { api: API_DEFAULT_RETRY, agent: AGENT_DEFAULT_RETRY };

export function retryPolicyFor(workflow: Pick<Workflow, 'retry'>, node: WorkflowNode): RetryPolicy | undefined {
  return node.retry ?? workflow.retry ?? DEFAULT_RETRY[node.type];
}

/** The wait after failed attempt `attempt` (from 1): half fixed, half random, capped at `maxMs`. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const { type, initialMs, maxMs, multiplier } = policy.backoff;
  const base = type === 'fixed' ? initialMs : initialMs * multiplier ** (attempt - 1);
  const capped = Math.min(base, maxMs > 0 ? maxMs : base);
  return Math.round(capped / 2 + (capped / 2) * random());
}

function isRetryable(error: unknown, policy: RetryPolicy): error is NodeError {
  if (!(error instanceof NodeError) || !error.retryable) return false;
  if (!policy.retryableErrors) return true;
  const status = error.status === undefined ? [] : [String(error.status), `${String(error.status)[0]}xx`];
  const exit = /^exit_\d+$/.test(error.code) ? ['exit', 'non_zero_exit'] : [];
  return [error.code, ...status, ...exit].some((name) => policy.retryableErrors!.includes(name));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

const isInFlight = (error: unknown): error is NodeError =>
  error instanceof NodeError && IN_FLIGHT_CODES.has(error.code);

/** The call an earlier attempt of this visit made, which may have taken effect. */
interface EarlierCall {
  call?: string;
  idempotencyKey?: string;
}

interface Schedule {
  attempt: number;
  /** When this visit's first indeterminate failure happened. */
  since?: number;
  reconcile: boolean;
  /** Set once an attempt of this visit may have taken effect (restored with the schedule on resume). */
  earlier?: EarlierCall;
  inFlightWaits: number;
  waitedForOriginalMs: number;
}

/**
 * The wait before repeating a call whose outcome is unknown, or the error to end with: a call without an
 * Idempotency-Key gets the node's own retries, one with a key the long schedule until the window closes.
 */
function uncertainStep(
  error: NodeError,
  state: Schedule,
  policy: RetryPolicy | undefined,
  execution: NodeExecution,
  random?: () => number,
): number | NodeError {
  const ownRetryLeft = policy !== undefined && state.attempt < policy.maxAttempts && isRetryable(error, policy);
  if (!isReplaySafe(error)) {
    return ownRetryLeft ? backoffDelay(policy, state.attempt, random) : outcomeUnknown(error, execution.node.id);
  }
  const now = Date.now();
  state.since ??= now;
  const afterOwn = state.attempt - (policy?.maxAttempts ?? 1) + 1;
  const scheduled = ownRetryLeft
    ? backoffDelay(policy, state.attempt, random)
    : backoffDelay(UNCERTAIN_BACKOFF, afterOwn, random);
  const delayMs = error.retryAfterMs ?? scheduled;
  const windowMs = policy?.uncertainWindowMs ?? execution.uncertain?.windowMs ?? UNCERTAIN_WINDOW_MS;
  if (now + delayMs - state.since > windowMs) return outcomeUnknown(error, execution.node.id, now - state.since);
  execution.uncertain?.record({ since: state.since, attempts: state.attempt });
  return delayMs;
}

/**
 * A later attempt's failure, once an earlier attempt may have taken effect. Only the key's own outcome (a replay, a
 * stored decline) settles what happened; any other answer (a 429 from the rate limiter, a 400) is about this attempt
 * alone, so the visit stays uncertain and must never take a fallback that would act again.
 */
function stillUncertain(error: unknown, earlier: EarlierCall): NodeError | undefined {
  if (error instanceof NodeError && error.outcomeOfKey) return undefined;
  const failure =
    error instanceof NodeError ? error : new NodeError(errorMessage(error), { code: 'error', cause: error });
  return failure.with({
    indeterminate: true,
    call: failure.call ?? earlier.call,
    idempotencyKey: failure.idempotencyKey ?? earlier.idempotencyKey,
  });
}

export function withRetry(executor: Executor, policy: RetryPolicy | undefined, options: RetryOptions = {}): Executor {
  const maxAttempts = Math.max(1, policy?.maxAttempts ?? 1);
  return async (execution) => {
    const restored = execution.uncertain?.restored;
    const state: Schedule = {
      attempt: restored ? restored.attempts + 1 : 1,
      since: restored?.since,
      reconcile: restored !== undefined,
      earlier: restored ? { idempotencyKey: execution.idempotencyKey } : undefined,
      inFlightWaits: 0,
      waitedForOriginalMs: 0,
    };
    const first = state.attempt;
    for (;;) {
      options.onAttempt?.(state.attempt);
      // A later attempt's timeout counts from its own start; the first may be a resumed one (its start restored).
      const startedAt = state.attempt === first ? execution.startedAt : Date.now();
      try {
        const reconcile = state.reconcile ? { reconcile: true } : {};
        return await executor({ ...execution, attempt: state.attempt, startedAt, ...reconcile });
      } catch (error) {
        if (execution.signal.aborted) throw error;
        let delayMs: number;
        const uncertain = isUncertain(error) ? error : state.earlier && stillUncertain(error, state.earlier);
        if (uncertain) {
          // Repeating cannot turn a refusal of this attempt (a 400) into an answer about the earlier one.
          if (uncertain !== error && !uncertain.retryable) {
            throw outcomeUnknown(uncertain, execution.node.id, state.since && Date.now() - state.since);
          }
          state.earlier ??= { call: uncertain.call, idempotencyKey: uncertain.idempotencyKey };
          const step = uncertainStep(uncertain, state, policy, execution, options.random);
          if (step instanceof NodeError) throw step;
          delayMs = step;
          state.reconcile = true;
          state.attempt++;
        } else {
          if (!policy) throw error;
          // Waiting for an in-flight original is not a failed attempt: the same attempt runs again.
          const waitForOriginal = isInFlight(error) && state.waitedForOriginalMs < IN_FLIGHT_PATIENCE_MS;
          if (!waitForOriginal && (state.attempt >= maxAttempts || !isRetryable(error, policy))) throw error;
          const retried = error as NodeError;
          const counted = waitForOriginal ? ++state.inFlightWaits : state.attempt;
          delayMs = retried.retryAfterMs ?? backoffDelay(policy, counted, options.random);
          if (waitForOriginal) state.waitedForOriginalMs += delayMs;
          else state.attempt++;
        }
        const info = (uncertain || (error as NodeError)).toInfo();
        const node = execution.node.id;
        execution.emit({ type: 'node.retrying', node, attempt: state.attempt, delayMs, error: info });
        await sleep(delayMs, execution.signal);
      }
    }
  };
}
