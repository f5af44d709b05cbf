import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface ServedApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** 0 (default) picks a free ephemeral port. */
  port?: number;
  hostname?: string;
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Serves a fetch handler on loopback and resolves once it is listening. */
export function serveApp(fetch: FetchHandler, options: ServeOptions = {}): Promise<ServedApp> {
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: options.port ?? 0, hostname }, (info: AddressInfo) => {
      resolve({ url: `http://${hostname}:${info.port}`, port: info.port, close: () => closeServer(server as Server) });
    }) as Server;
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // SDK clients keep connections alive; without this, close() waits for their idle timeout.
    server.closeAllConnections();
  });
}
