// POST /login tries per client: a few attempts a minute, then 429 with Retry-After, so a token cannot be guessed.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../api-error.ts';

export interface ThrottleOptions {
  /** Attempts a client may make per window. */
  limit?: number;
  windowMs?: number;
  now?: () => number;
}

const clientOf = (env: unknown): string => {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'in-process';
};

export const throttlePerClient = ({
  limit = 10,
  windowMs = 60_000,
  now = Date.now,
}: ThrottleOptions = {}): MiddlewareHandler => {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const at = now();
    for (const [client, window] of windows) if (at - window.start >= windowMs) windows.delete(client);
    const client = clientOf(c.env);
    const window = windows.get(client) ?? { start: at, count: 0 };
    window.count += 1;
    windows.set(client, window);
    if (window.count <= limit) return next();
    const retryAfter = Math.max(1, Math.ceil((window.start + windowMs - at) / 1000));
    throw new ApiError(
      429,
      'too-many-attempts',
      `too many login attempts from this client; try again in ${retryAfter} s`,
      {
        headers: { 'Retry-After': String(retryAfter) },
      },
    );
  };
};
