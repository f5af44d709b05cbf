// The request body size limit: hono/body-limit, asked only when it has something to decide. That middleware reads
// `c.req.raw.body`, and on @hono/node-server reading it builds the full web Request of every request (~0.1 ms a
// run in the server's profile, bench/FINDINGS.md), GETs included, and takes the body off its fast path.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../api-error.ts';

const WITHOUT_BODY = new Set(['GET', 'HEAD']);

/**
 * Refuses a request body over `maxBytes` with a 413 `body-too-large`.
 *
 * @example
 * ```ts
 * app.use('*', limitBodySize(256 * 1024));
 * ```
 */
export const limitBodySize = (maxBytes: number): MiddlewareHandler => {
  const refuse = (): never => {
    throw new ApiError(413, 'body-too-large', `request bodies are limited to ${maxBytes} bytes`);
  };
  // A streamed body (no Content-Length): counted as it is read.
  const counted = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return async (c, next) => {
    // A GET or HEAD request has no body in the Fetch API (hono/body-limit lets it through too).
    if (WITHOUT_BODY.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    return Number.parseInt(length, 10) > maxBytes ? refuse() : next();
  };
};
