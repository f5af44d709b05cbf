// What the Stripe client hands fetch for a call: a plain record, not a WHATWG Request. openapi-fetch builds a Request
// for every call, fetch builds a second one from it (piping the body through a TransformStream), then clones that one
// (a tee of the body) to be able to follow a redirect: 0.1–0.2 ms of CPU a call, about a quarter of what a Stripe call
// cost sopstate's process (bench/FINDINGS.md, "2026-12-07 eighth session"). openapi-fetch takes the class it builds
// requests with as an option: PlainRequest keeps what it is given, and plainFetch sends it in one fetch(url, init).
import { NodeError } from '../executor.ts';
import type { FetchLike } from '../api/http.ts';
import { describeTarget } from '../api/request.ts';

/** The call as openapi-fetch builds it: URL, method, headers, serialized body and signal, kept as they are. */
export class PlainRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: HeadersInit | undefined;
  readonly sentBody: BodyInit | null;
  readonly signal: AbortSignal | null;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = init.headers;
    this.sentBody = init.body ?? null;
    this.signal = init.signal ?? null;
  }
}

/** undici's rejection of a redirect under `redirect: 'error'`: a TypeError whose cause says so. */
const isRefusedRedirect = (error: unknown): boolean =>
  error instanceof TypeError && error.cause instanceof Error && error.cause.message === 'unexpected redirect';

/**
 * openapi-fetch's `fetch`: a PlainRequest goes out as one fetch(url, init). Redirects are not followed, as the
 * official stripe-node does not follow them (Stripe never answers one): following would send a POST's body on, or
 * turn it into a GET whose answer would read as the POST's. Not following is also what spares fetch its clone.
 */
export const plainFetch =
  (fetchImpl: FetchLike) =>
  async (request: Request): Promise<Response> => {
    if (!(request instanceof PlainRequest)) return fetchImpl(request);
    try {
      return await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.sentBody,
        signal: request.signal,
        redirect: 'error',
        window: null,
      });
    } catch (error) {
      if (!isRefusedRedirect(error)) throw error;
      // Definite: what answered redirected the request instead of acting on it.
      throw new NodeError(
        `${describeTarget(request.method, new URL(request.url))} answered with a redirect, which a Stripe call does ` +
          'not follow: Stripe never redirects, so the base URL (STRIPE_API_BASE, or the node’s url) points elsewhere; ' +
          'set it to the address the redirect names',
        { code: 'redirect', cause: error },
      );
    }
  };
