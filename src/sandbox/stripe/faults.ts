import type { FaultRule } from '../shared/fault-queue.ts';
import { FaultSpecError, oneOf, optionalBoolean, optionalNumber, type RawFault } from '../shared/fault-spec.ts';
import { apiError, invalidRequest, rateLimited, type StripeHttpError } from './errors.ts';

/**
 * `before` (default): the call is answered by the fault and nothing runs.
 * `after`: the operation runs and its response is kept for the idempotency key, but the caller
 * gets the fault (a lost response); for `delay`, the answer is late instead of the operation.
 */
type FaultTiming = 'before' | 'after';

export type StripeFault =
  | { type: 'server_error'; status?: number; shouldRetry?: boolean; when?: FaultTiming }
  | { type: 'rate_limit'; retryAfter?: number; shouldRetry?: boolean; when?: FaultTiming }
  | { type: 'delay'; ms: number; when?: FaultTiming }
  /** A definite refusal: 400 `invalid_request_error` with `code` (nothing ran, so a fallback may follow). */
  | { type: 'invalid_request'; code?: string; when?: 'before' }
  /** The connection drops without an answer: before the operation (nothing ran) or after it (a lost response). */
  | { type: 'reset'; when?: FaultTiming };

export type StripeFaultRule = FaultRule<StripeFault>;

const TYPES = ['server_error', 'rate_limit', 'delay', 'reset', 'invalid_request'] as const;
const TIMINGS = ['before', 'after'] as const;

export function parseStripeFault(raw: RawFault, at: string): StripeFault {
  const type = oneOf(raw, 'type', at, TYPES);
  const when = raw.when === undefined ? undefined : oneOf(raw, 'when', at, TIMINGS);
  switch (type) {
    case 'server_error': {
      const status = optionalNumber(raw, 'status', at, { integer: true, min: 500 });
      if (status !== undefined && status > 599) throw new FaultSpecError(`${at}.status: expected a 5xx status`);
      return { type, status, shouldRetry: optionalBoolean(raw, 'shouldRetry', at), when };
    }
    case 'rate_limit':
      return {
        type,
        retryAfter: optionalNumber(raw, 'retryAfter', at, { integer: true }),
        shouldRetry: optionalBoolean(raw, 'shouldRetry', at),
        when,
      };
    case 'delay': {
      const ms = optionalNumber(raw, 'ms', at, { integer: true });
      if (ms === undefined) throw new FaultSpecError(`${at}.ms: a delay needs "ms", the milliseconds to wait`);
      return { type, ms, when };
    }
    case 'reset':
      return { type, when };
    case 'invalid_request': {
      const code = raw.code === undefined ? undefined : String(raw.code);
      return { type, ...(code ? { code } : {}) };
    }
  }
}

/** The error an error fault answers with (delays answer none). */
export function faultError(fault: StripeFault): StripeHttpError | undefined {
  switch (fault.type) {
    case 'server_error':
      return apiError(fault.status ?? 500, fault.shouldRetry);
    case 'rate_limit':
      return rateLimited(fault.retryAfter ?? 1, fault.shouldRetry);
    case 'invalid_request':
      return invalidRequest('Injected fault: the request was refused.', {
        code: fault.code ?? 'parameter_invalid_empty',
      });
    case 'delay':
    case 'reset':
      return undefined;
  }
}
