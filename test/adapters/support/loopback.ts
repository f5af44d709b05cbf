// Loopback HTTP servers for adapter tests: listen on a free port, and a port nothing listens on.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export const listenOnLoopback = async (server: Server): Promise<Listening> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** A port nothing listens on (opened, then closed). */
export const closedPort = async (): Promise<string> => {
  const { url, close } = await listenOnLoopback(createServer());
  await close();
  return url;
};
