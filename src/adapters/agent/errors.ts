// Anthropic SDK failures → NodeErrors: 408/409/429/5xx/529 and overloaded streams are retried, with retry-after.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { NodeError } from '../executor.ts';
import { isRetryableStatus, parseRetryAfter } from '../api/errors.ts';
import { errorMessage } from '../../util/error-message.ts';

const RETRYABLE_TYPES = new Set(['overloaded_error', 'rate_limit_error', 'api_error', 'timeout_error']);

const bodyType = (error: APIError): string | undefined => {
  const body = error.error as { error?: { type?: unknown }; type?: unknown } | undefined;
  const type = body?.error?.type ?? body?.type;
  return typeof type === 'string' && type !== 'error' ? type : undefined;
};

export const anthropicError = (error: unknown, target: string, signal: AbortSignal): NodeError => {
  if (signal.aborted) {
    if (signal.reason instanceof NodeError) return signal.reason;
    return new NodeError(`${target} was aborted`, { code: 'aborted', cause: error });
  }
  if (error instanceof NodeError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new NodeError(`${target} timed out`, { code: 'request_timeout', retryable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new NodeError(`${target} could not be reached (${error.message})`, {
      code: 'network_error',
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const type = error.type ?? bodyType(error);
    const status = error.status;
    const retryable =
      (status !== undefined && isRetryableStatus(status)) || (type !== undefined && RETRYABLE_TYPES.has(type));
    const detail = error.apiMessage ? `: ${error.apiMessage}` : '';
    return new NodeError(`Claude ${status ?? 'stream'} ${type ?? 'error'}${detail} — ${target}`, {
      code: type ?? `http_${status ?? 'error'}`,
      status,
      retryable,
      retryAfterMs: retryable && error.headers ? parseRetryAfter(error.headers) : undefined,
      cause: error,
    });
  }
  const message = errorMessage(error);
  return new NodeError(`${target} failed: ${message}`, { code: 'anthropic_error', cause: error });
};
