// Requests that change something (POST, PUT, PATCH, DELETE) must come from this server's own page or from a
// program: JSON only, even with an empty body, and never with a foreign Origin. A cross-site page can send
// text/plain or a form without asking first; it cannot send application/json without a CORS preflight,
// which this server refuses. hono/csrf checks only form-typed bodies, so this checks every one.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../api-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

const hasBody = (headers: Headers): boolean =>
  Number(headers.get('content-length') ?? 0) > 0 || headers.has('transfer-encoding');

/** Bodies must be JSON; a state-changing request must say `Content-Type: application/json` even without one. */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const headers = c.req.raw.headers;
  const changesState = !SAFE_METHODS.has(c.req.method);
  if ((!changesState && !hasBody(headers)) || JSON_TYPE.test(headers.get('content-type') ?? '')) return next();
  throw new ApiError(
    415,
    'unsupported-media-type',
    'send the request with the header "Content-Type: application/json" (and a JSON body, or none)',
  );
};

/** Refuses a state-changing request whose Origin is neither this server's own nor one of `allowed`. */
export const sameOriginOnly =
  (allowed: readonly string[] = []): MiddlewareHandler =>
  async (c, next) => {
    const origin = c.req.header('origin');
    if (SAFE_METHODS.has(c.req.method) || origin === undefined) return next();
    // Host only, not scheme: behind the operator's TLS proxy the page is https while this server sees http.
    const own = c.req.header('host') ?? new URL(c.req.url).host;
    const from = URL.canParse(origin) ? new URL(origin).host : undefined;
    if (from === own || allowed.includes(origin)) return next();
    throw new ApiError(
      403,
      'foreign-origin',
      `requests from ${origin} may not change anything on this server (only its own page, at ${own}, may); ` +
        'programs send no Origin header',
    );
  };
