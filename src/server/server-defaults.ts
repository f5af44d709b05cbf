// What `sopstate serve` and startServer use when nothing is said: one place, read by both (the CLI loads only this).
import type { ServerOptions } from './start-server.ts';

export const SERVER_DEFAULTS = {
  port: 8787,
  /** Loopback: anything wider needs SOPSTATE_TOKEN (see binding.ts). */
  host: '127.0.0.1',
  /** SSE comment lines keep idle connections (and proxies) alive. */
  heartbeatMs: 15_000,
} as const satisfies Partial<ServerOptions>;

/** The address a client (`sopstate retry`, `sopstate chat --url`) reaches a default server at. */
export const DEFAULT_SERVER_URL = `http://${SERVER_DEFAULTS.host}:${SERVER_DEFAULTS.port}`;
