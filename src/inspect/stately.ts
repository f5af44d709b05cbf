// `run --inspect`: relays the run's XState inspection events to Stately's inspector (online), or says in one line why not.
import { createConnection, createServer } from 'node:net';
import { createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { InspectionEvent } from 'xstate';
import { createRedactor } from '../util/redact.ts';
import { toJsonSafe } from './json-safe.ts';
import { errorMessage } from '../util/error-message.ts';

const STATELY_INSPECTOR_URL = 'https://stately.ai/inspect';
const DEFAULT_RELAY_PORT = 8080;
/** Events kept while we find out whether Stately's inspector is reachable. */
const MAX_PENDING = 5000;

type StatelyStatus = { online: true; url: string } | { online: false; reason: string };

export interface StatelyInspectorOptions {
  /** The run's secrets: scrubbed from everything sent to the inspector. */
  secrets?: Record<string, string>;
  /** Stately's inspector UI (`SOPSTATE_INSPECTOR_URL`); default https://stately.ai/inspect. */
  inspectorUrl?: string;
  /** Port of the local relay the inspector page connects to. */
  port?: number;
  /** Whether the inspector UI can be loaded (true, or why not); default: ask it over HTTP, 3 s at most. */
  reachable?: (url: string) => Promise<true | string>;
  /** One line per message, for the terminal. */
  log: (line: string) => void;
}

export interface StatelySession {
  /** Pass as `RunOptions.inspect`. */
  inspect: (inspectionEvent: unknown) => void;
  /** Settles once reachability is known (and the relay is up when online). */
  status: Promise<StatelyStatus>;
  /** Waits for `status`; online, keeps the relay up until `untilQuit` resolves. Then stops everything. */
  finish(untilQuit?: () => Promise<void>): Promise<void>;
}

const reachInspector = async (url: string): Promise<true | string> => {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    return true;
  } catch (failure) {
    const cause = (failure as { cause?: { code?: unknown; message?: unknown } }).cause;
    return String(cause?.message ?? cause?.code ?? (failure as Error).message ?? failure);
  }
};

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });

const accepting = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function untilListening(port: number): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await accepting(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the relay did not start listening on port ${port}`);
}

export function startStatelyInspector(options: StatelyInspectorOptions): StatelySession {
  const redact = createRedactor(options.secrets ?? {});
  // toJsonSafe keeps the event's shape, minus the functions and actor objects a WebSocket cannot carry anyway; its
  // JsonValue result cannot say which shape, and no type describes "this event type as JSON".
  const sanitize = (event: StatelyInspectionEvent) =>
    toJsonSafe(event, { redact }) as unknown as StatelyInspectionEvent;
  const port = options.port ?? DEFAULT_RELAY_PORT;
  const url = options.inspectorUrl ?? STATELY_INSPECTOR_URL;
  let pending: InspectionEvent[] | undefined = [];
  let forward: ((event: InspectionEvent) => void) | undefined;
  let stop = async () => {};

  const connect = async (): Promise<StatelyStatus> => {
    const reached = await (options.reachable ?? reachInspector)(url);
    if (reached !== true) return { online: false, reason: `${url} is unreachable (${reached})` };
    if (!(await portFree(port)))
      return { online: false, reason: `port ${port} for its local relay is in use (pick another with --inspect-port)` };
    const relay = createInspectorServer({ port, url, autoOpen: false });
    await untilListening(port).catch((failure: unknown) => {
      relay.stop();
      throw failure;
    });
    const inspector = createWebSocketInspector({ url: `ws://localhost:${port}`, serialize: sanitize });
    stop = async () => {
      inspector.stop();
      relay.stop();
    };
    forward = (event) => inspector.inspect.next?.(event);
    for (const event of pending ?? []) forward(event);
    return { online: true, url: `http://localhost:${port}` };
  };

  const status = connect()
    .catch((failure: unknown): StatelyStatus => ({
      online: false,
      reason: redact(errorMessage(failure)),
    }))
    .then((result) => {
      pending = undefined;
      if (result.online) options.log(`inspect: open ${result.url} to watch this run in Stately's inspector`);
      else
        options.log(
          `inspect: Stately's inspector is not available: ${result.reason}; the run goes on without it (sopstate serve has an offline Inspector view)`,
        );
      return result;
    });

  return {
    inspect: (event) => {
      if (forward) forward(event as InspectionEvent);
      else if (pending && pending.length < MAX_PENDING) pending.push(event as InspectionEvent);
    },
    status,
    finish: async (untilQuit) => {
      const result = await status;
      if (result.online && untilQuit) {
        options.log(`inspect: the relay stays up so the inspector can show the whole run; press Ctrl+C to quit`);
        await untilQuit();
      }
      await stop();
    },
  };
}
