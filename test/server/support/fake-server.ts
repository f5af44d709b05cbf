// Starts the real server (store, routes, SSE) on an ephemeral port with the fake runner and loader.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../../src/server/start-server.ts';
import { createFakeRunner, type FakeRunner, type FakeRunnerOptions } from './fake-runner.ts';
import { fakeLoad } from './fake-workflows.ts';
import { apiClient } from './api-client.ts';

const WORKFLOWS: Record<string, string> = {
  'three-steps.osop.yaml': `
id: three-steps
name: Three steps
description: a, b, c in a row
nodes: [{id: a, type: api}, {id: b, type: api}, {id: c, type: api}]
edges: [{from: a, to: b}, {from: b, to: c}]
`,
  'approval.osop.yaml': `
id: approval
name: Needs approval
secrets: [TOKEN]
inputs: [{name: amount, type: integer, required: true}, {name: note, type: string, default: none}]
nodes: [{id: prepare, type: api}, {id: review, type: human, description: approve the charge}, {id: charge, type: api}, {id: notify_rejected, type: api}]
edges: [{from: prepare, to: review}, {from: review, to: charge}, {from: review, to: notify_rejected, mode: fallback}]
`,
  'shell.osop.yaml': `
id: shell
nodes: [{id: run, type: cli}]
`,
  'needs-secret.osop.yaml': `
id: needs-secret
secrets: [MISSING_KEY]
nodes: [{id: a, type: api}]
`,
  'long.osop.yaml': `
id: long
nodes: [${Array.from({ length: 60 }, (_, i) => `{id: n${i}, type: api}`).join(', ')}]
edges: [${Array.from({ length: 59 }, (_, i) => `{from: n${i}, to: n${i + 1}}`).join(', ')}]
`,
  'broken.osop.yaml': 'id: broken\nbroken: true\nnodes: [{id: a, type: api}]\n',
};

export interface FakeServer extends RunningServer {
  dir: string;
  dbFile: string;
  runner: FakeRunner;
  /** fetch relative to the server, with the token when one is set. */
  api(path: string, init?: RequestInit): Promise<Response>;
  cleanup(): Promise<void>;
}

export const startFakeServer = async (
  options: Partial<ServerOptions> & FakeRunnerOptions & { dir?: string } = {},
): Promise<FakeServer> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sopstate-server-'));
  const workflowsDir = join(dir, 'workflows');
  mkdirSync(workflowsDir, { recursive: true });
  if (!existsSync(join(dir, 'outside.osop.yaml'))) {
    for (const [name, text] of Object.entries(WORKFLOWS)) writeFileSync(join(workflowsDir, name), text);
    writeFileSync(join(dir, 'outside.osop.yaml'), 'id: outside\nnodes: [{id: a, type: api}]\n');
  }
  const runner = createFakeRunner({ stepMs: options.stepMs, payloadBytes: options.payloadBytes });
  const dbFile = join(dir, 'runs.db');
  const server = await startServer({
    workflowsDir,
    dbFile,
    port: 0,
    runtime: { startRun: runner.startRun, load: fakeLoad, createExecutors: () => ({}) },
    secrets: { TOKEN: 'canary-secret-value' },
    log: () => {},
    ...options,
  });
  return {
    ...server,
    dir,
    dbFile,
    runner,
    api: apiClient(server.url, options.token),
    cleanup: async () => {
      await server.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
