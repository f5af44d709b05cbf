import type { FaultRule } from '../shared/fault-queue.ts';
import { FaultSpecError, oneOf, optionalNumber, type RawFault } from '../shared/fault-spec.ts';
import { AnthropicHttpError, invalidRequest } from './errors.ts';

export type AnthropicFault =
  | { type: 'rate_limit'; retryAfter?: number }
  | { type: 'overloaded' }
  | { type: 'server_error'; status?: number }
  | { type: 'delay'; ms: number }
  /** A definite refusal (400 invalid_request_error): never retried, whatever the node's policy. */
  | { type: 'invalid_request' }
  /**
   * Streaming only: the stream starts, then an `error` event ends it (as overloads do mid-stream), after
   * `afterDeltas` content deltas (default 0: before any text).
   */
  | { type: 'stream_error'; afterDeltas?: number };

export type AnthropicFaultRule = FaultRule<AnthropicFault>;

const TYPES = ['rate_limit', 'overloaded', 'server_error', 'delay', 'stream_error', 'invalid_request'] as const;

export function parseAnthropicFault(raw: RawFault, at: string): AnthropicFault {
  const type = oneOf(raw, 'type', at, TYPES);
  switch (type) {
    case 'rate_limit':
      return { type, retryAfter: optionalNumber(raw, 'retryAfter', at, { integer: true }) };
    case 'server_error': {
      const status = optionalNumber(raw, 'status', at, { integer: true, min: 500 });
      if (status !== undefined && status > 599) throw new FaultSpecError(`${at}.status: expected a 5xx status`);
      return { type, status };
    }
    case 'delay': {
      const ms = optionalNumber(raw, 'ms', at, { integer: true });
      if (ms === undefined) throw new FaultSpecError(`${at}.ms: a delay needs "ms", the milliseconds to wait`);
      return { type, ms };
    }
    case 'stream_error':
      return { type, afterDeltas: optionalNumber(raw, 'afterDeltas', at, { integer: true }) };
    default:
      return { type };
  }
}

/** The HTTP error an error fault answers with; delays and stream errors answer none up front. */
export function faultError(fault: AnthropicFault): AnthropicHttpError | undefined {
  switch (fault.type) {
    case 'rate_limit':
      return new AnthropicHttpError(
        429,
        'rate_limit_error',
        'Number of requests has exceeded your per-minute rate limit (sandbox fault).',
        {
          'retry-after': String(fault.retryAfter ?? 1),
        },
      );
    case 'overloaded':
      return new AnthropicHttpError(529, 'overloaded_error', 'Overloaded');
    case 'server_error':
      return new AnthropicHttpError(fault.status ?? 500, 'api_error', 'Internal server error');
    case 'invalid_request':
      return invalidRequest('The request was refused (sandbox fault).');
    default:
      return undefined;
  }
}
