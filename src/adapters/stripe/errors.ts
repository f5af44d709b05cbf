// Stripe's error JSON → a typed NodeError: card errors are final, 409/429/5xx retried, Stripe-Should-Retry decides.
import { NodeError } from '../executor.ts';
import { isRetryableStatus, parseRetryAfter } from '../api/errors.ts';
import { maskCredentials } from '../../util/redact.ts';

interface StripeErrorBody {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  param?: string;
  payment_intent?: { id?: string; status?: string };
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The `error` object of a Stripe error response, when the body is one. */
const readStripeError = (body: unknown): StripeErrorBody => {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  const record = error as Record<string, unknown>;
  const intent = record.payment_intent;
  return {
    type: asString(record.type),
    code: asString(record.code),
    decline_code: asString(record.decline_code),
    message: asString(record.message),
    param: asString(record.param),
    payment_intent:
      typeof intent === 'object' && intent !== null
        ? {
            id: asString((intent as Record<string, unknown>).id),
            status: asString((intent as Record<string, unknown>).status),
          }
        : undefined,
  };
};

const shouldRetryHeader = (headers: Headers): boolean | undefined => {
  const value = headers.get('stripe-should-retry');
  return value === 'true' ? true : value === 'false' ? false : undefined;
};

export interface StripeFailure {
  status: number;
  body: unknown;
  headers: Headers;
  /** `POST /v1/payment_intents/{intent}/confirm`. */
  operation: string;
  /** Credentials the request carried, kept out of the message. */
  secrets: readonly string[];
}

export const stripeError = ({ status, body, headers, operation, secrets }: StripeFailure): NodeError => {
  const error = readStripeError(body);
  const isCardError = status === 402 || error.type === 'card_error';
  const code =
    error.code ??
    (isCardError ? 'card_error' : undefined) ??
    (status === 401 ? 'authentication_error' : error.type) ??
    `http_${status}`;
  const retryable = isCardError ? false : (shouldRetryHeader(headers) ?? isRetryableStatus(status));
  const parts = [
    `Stripe ${status} ${error.type ?? 'error'}${error.code ? ` ${error.code}` : ''}`,
    error.decline_code ? ` (decline_code: ${error.decline_code})` : '',
    error.message ? `: ${error.message}` : '',
    error.param ? ` [param: ${error.param}]` : '',
    error.payment_intent?.id ? ` [payment_intent: ${error.payment_intent.id}]` : '',
    ` — ${operation}`,
    headers.get('request-id') ? ` (request ${headers.get('request-id')})` : '',
  ];
  return new NodeError(maskCredentials(parts.join(''), secrets), {
    code,
    status,
    retryable,
    // Stripe keeps a card decline for the key (a repeat gets it replayed), so a decline is the key's one outcome.
    outcomeOfKey: isCardError || headers.get('idempotent-replayed') === 'true',
    retryAfterMs: retryable ? parseRetryAfter(headers) : undefined,
  });
};
