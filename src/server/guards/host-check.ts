// DNS rebinding: a page on evil.com can resolve its own name to 127.0.0.1 and talk to a loopback server, but its
// requests still say `Host: evil.com:PORT`. A loopback-bound server therefore answers only Hosts that name loopback.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { isLoopback } from '../binding.ts';
import { ApiError } from '../api-error.ts';

/** `localhost`, `app.localhost`, `127.0.0.1`, `[::1]`: names that always mean this machine. */
const isLoopbackName = (name: string): boolean => isLoopback(name) || name.toLowerCase().endsWith('.localhost');

const splitHost = (host: string): { name: string; port?: number } => {
  const match = host.match(/^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/);
  if (!match) return { name: host };
  return { name: match[1], ...(match[2] === undefined ? {} : { port: Number(match[2]) }) };
};

const localPort = (env: unknown): number | undefined => {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.localPort;
};

/**
 * Answers 421 to a request whose Host is not a loopback name on this server's port. Requests made inside the
 * process (`app.request`, the chat's calls to the API) carry no Host and no socket, and pass.
 */
export const loopbackHostsOnly = (): MiddlewareHandler => async (c, next) => {
  const host = c.req.header('host');
  if (host === undefined) return next();
  const { name, port } = splitHost(host.trim());
  const expectedPort = localPort(c.env);
  const portMatches = expectedPort === undefined || (port ?? 80) === expectedPort;
  if (isLoopbackName(name) && portMatches) return next();
  const portSuffix = expectedPort ? `:${expectedPort}` : '';
  throw new ApiError(
    421,
    'host-not-allowed',
    `this server listens on loopback and answers only Host: localhost or 127.0.0.1${portSuffix}, ` +
      `not "${host}" (a page from another site may be trying to reach it). ` +
      'To serve other names, bind --host with SOPSTATE_TOKEN set.',
  );
};
