// Polls the run until it leaves RUNNING (or a predicate holds); no timing assertions, just waiting.
import type { FakeServer } from './fake-server.ts';

export const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string, attempts = 500): Promise<T> => {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
};

export interface RunBody {
  status: string;
  waiting: string[];
  inputs: Record<string, unknown>;
  nodes: Record<string, { status: string; outputs?: Record<string, unknown> }>;
  lastSeq: number;
}

export const getRun = async (server: FakeServer, runId: string): Promise<RunBody> =>
  (await (await server.api(`/api/runs/${runId}`)).json()) as RunBody;

export const waitForRun = (server: FakeServer, runId: string, until: (run: RunBody) => boolean): Promise<RunBody> =>
  waitFor(async () => {
    const run = await getRun(server, runId);
    return until(run) ? run : undefined;
  }, `run ${runId}`);
