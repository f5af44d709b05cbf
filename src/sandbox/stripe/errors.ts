import type { StripeErrorObject } from './types.ts';

const DOCS = 'https://stripe.com/docs/error-codes';

/** An error answered in Stripe's shape: `{error: {...}}` with the given HTTP status. */
export class StripeHttpError extends Error {
  readonly status: number;
  readonly error: StripeErrorObject;
  readonly headers: Record<string, string>;

  constructor(status: number, error: StripeErrorObject, headers: Record<string, string> = {}) {
    super(error.message);
    this.name = 'StripeHttpError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

export function invalidRequest(
  message: string,
  fields: Partial<StripeErrorObject> = {},
  status = 400,
): StripeHttpError {
  const docUrl = fields.code ? { doc_url: `${DOCS}/${fields.code.replaceAll('_', '-')}` } : {};
  return new StripeHttpError(status, { type: 'invalid_request_error', message, ...docUrl, ...fields });
}

export function parameterMissing(param: string): StripeHttpError {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function unknownParameter(param: string): StripeHttpError {
  return invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });
}

/** An id in the path is a 404; an id referenced by a body parameter is a 400 naming that parameter. */
export function resourceMissing(resource: string, id: string, param: string, status: 400 | 404 = 400): StripeHttpError {
  return invalidRequest(`No such ${resource}: '${id}'`, { code: 'resource_missing', param }, status);
}

export function pathObjectMissing(resource: string, id: string): StripeHttpError {
  return resourceMissing(resource, id, 'id', 404);
}

export function unexpectedState(message: string): StripeHttpError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state' });
}

export function unrecognizedUrl(method: string, path: string): StripeHttpError {
  return new StripeHttpError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

export function authenticationFailed(message: string): StripeHttpError {
  return new StripeHttpError(
    401,
    { type: 'invalid_request_error', message },
    { 'WWW-Authenticate': 'Bearer realm="Stripe"' },
  );
}

export function apiError(status: number, shouldRetry: boolean | undefined): StripeHttpError {
  return new StripeHttpError(
    status,
    { type: 'api_error', message: 'An unknown error occurred' },
    shouldRetryHeader(shouldRetry),
  );
}

export function rateLimited(retryAfterSeconds: number, shouldRetry: boolean | undefined): StripeHttpError {
  return new StripeHttpError(
    429,
    {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
      doc_url: `${DOCS}/rate-limit`,
    },
    { 'Retry-After': String(retryAfterSeconds), ...shouldRetryHeader(shouldRetry) },
  );
}

function shouldRetryHeader(shouldRetry: boolean | undefined): Record<string, string> {
  return shouldRetry === undefined ? {} : { 'Stripe-Should-Retry': String(shouldRetry) };
}

export function idempotencyMismatch(key: string, sameEndpoint: boolean): StripeHttpError {
  const what = sameEndpoint ? 'the same parameters' : 'the same endpoint and parameters';
  return new StripeHttpError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with ${what} they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function idempotencyInFlight(key: string): StripeHttpError {
  return new StripeHttpError(
    409,
    {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
    },
    { 'Stripe-Should-Retry': 'true' },
  );
}
