// A body sent to /api must be JSON. A page on another site may POST text/plain to a loopback server without asking
// (no CORS preflight), but never application/json, so this also keeps other sites from starting runs.
import type { MiddlewareHandler } from 'hono';
import { apiError } from './errors.ts';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

const hasBody = (headers: Headers): boolean => Number(headers.get('content-length') ?? 0) > 0 || headers.has('transfer-encoding');

export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const headers = c.req.raw.headers;
  if (!hasBody(headers) || JSON_TYPE.test(headers.get('content-type') ?? '')) return next();
  return apiError(c, 415, 'unsupported-media-type', 'send the body as JSON, with the header "Content-Type: application/json"');
};
