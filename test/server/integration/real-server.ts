// The real server (runner, executors, sandbox emulators) in this process, on an ephemeral port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/server/runtime.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../../src/server/start-server.ts';
import type { Sandbox } from '../../../src/sandbox/start.ts';

export const EXAMPLES = join(import.meta.dirname, '../../../examples');
export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const SEED_ID = 'sop-stripe-payment';

export interface RealServer extends RunningServer {
  sandbox: Sandbox;
  post(path: string, body: unknown): Promise<Response>;
  cleanup(): Promise<void>;
}

export const startRealServer = async (
  options: Partial<ServerOptions> & { workflowsDir?: string } = {},
): Promise<RealServer> => {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-real-'));
  const { runtime, secret, sandbox, close } = await createRuntime({
    forceSandbox: true,
    env: {},
    allowCli: options.allowCli,
  });
  const server = await startServer({
    workflowsDir: options.workflowsDir ?? EXAMPLES,
    dbFile: join(dir, 'runs.db'),
    port: 0,
    runtime,
    secrets: secret,
    log: () => {},
    ...options,
  });
  return {
    ...server,
    sandbox: sandbox as Sandbox,
    post: (path, body) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    cleanup: async () => {
      await server.close();
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const startRunOver = async (
  server: RealServer,
  workflow: string,
  inputs?: Record<string, unknown>,
): Promise<string> => {
  const response = await server.post('/api/runs', { workflow, inputs });
  const body = (await response.json()) as { runId?: string; error?: unknown };
  if (response.status !== 201 || !body.runId)
    throw new Error(`POST /api/runs answered ${response.status}: ${JSON.stringify(body)}`);
  return body.runId;
};
