// Classifies HTTP and transport failures into NodeErrors: what may be retried, and after how long.
import { maskUserInfo } from '../../util/redact.ts';
import { NodeError } from '../executor.ts';
import { errorMessage } from '../../util/error-message.ts';

/** 408, 409 (in-flight idempotent request), 429 and 5xx are worth another attempt; other 4xx are not. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/** `Retry-After` as seconds or an HTTP date, or the `retry-after-ms` variant, in milliseconds. */
export const parseRetryAfter = (headers: Headers, now: number = Date.now()): number | undefined => {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

export interface HttpErrorDetails {
  status: number;
  /** e.g. `POST https://api.example.com/v1/things` (no query string). */
  target: string;
  detail?: string;
  code?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

export const httpError = (details: HttpErrorDetails): NodeError => {
  const suffix = details.detail ? `: ${details.detail}` : '';
  return new NodeError(`${details.target} answered HTTP ${details.status}${suffix}`, {
    code: details.code ?? `http_${details.status}`,
    status: details.status,
    retryable: details.retryable ?? isRetryableStatus(details.status),
    retryAfterMs: details.retryAfterMs,
  });
};

const causeCode = (error: unknown): string | undefined => {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return undefined;
};

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
/** Failures that happen before a request leaves: the server cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Methods whose request may change something at the server. */
export const hasSideEffects = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** A failure after the request may have reached the server and been acted on: 5xx, a timeout, a lost response. */
const mayHaveTakenEffect = (error: NodeError): boolean => {
  if (error.status !== undefined) return error.status >= 500 || error.code === 'idempotency_key_in_use';
  if (error.code === 'network_error') {
    // No system error code: fetch refused before any I/O (a blocked port, a bad URL).
    const code = causeCode(error.cause);
    return code !== undefined && !NOT_SENT_CODES.has(code);
  }
  return error.code === 'timeout' || error.code === 'request_timeout' || error.code === 'invalid_response';
};

/** Marks a failed call with a side effect indeterminate when it may have taken effect; others stay as they are. */
export const classifyOutcome = (
  error: NodeError,
  method: string,
  facts: { call: string; idempotencyKey?: string },
): NodeError =>
  hasSideEffects(method) && mayHaveTakenEffect(error) ? error.with({ indeterminate: true, ...facts }) : error;

/**
 * A fetch that threw. When the run aborted the node (cancel, node timeout) the abort reason wins:
 * a NodeError reason is rethrown as is, anything else becomes a non-retryable `aborted`.
 */
export const transportError = (error: unknown, target: string, signal: AbortSignal): NodeError => {
  if (signal.aborted) {
    if (signal.reason instanceof NodeError) return signal.reason;
    return new NodeError(`${target} was aborted`, { code: 'aborted', cause: error });
  }
  if (error instanceof NodeError) return error;
  const code = causeCode(error);
  if (error instanceof SyntaxError) {
    return new NodeError(`${target} answered with a body that is not valid JSON`, {
      code: 'invalid_response',
      cause: error,
    });
  }
  if (error instanceof TypeError && error.cause === undefined && error.message !== 'fetch failed') {
    // fetch refused to build the request (bad header value, body on GET...): retrying cannot help.
    return new NodeError(`${target} could not be sent (${maskUserInfo(error.message)})`, {
      code: 'invalid_request',
      cause: error,
    });
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new NodeError(`${target} timed out (${code})`, { code: 'request_timeout', retryable: true, cause: error });
  }
  const reason = maskUserInfo(code ?? errorMessage(error));
  return new NodeError(`${target} could not be reached (${reason})`, {
    code: 'network_error',
    retryable: true,
    cause: error,
  });
};
