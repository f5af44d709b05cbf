// Issue 20 "Responsiveness": a dry run's nodes answer at once, so the run moves on through promise callbacks alone.
// Before, a server running the dry run of a big workflow answered nothing else until the run ended: its POST came back
// with the run already over, and a 5,000-branch fork held the server (even its SIGTERM) for minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startDryRun, writeLongChain } from './support/long-chain.ts';
import { waitFor } from './support/wait.ts';

const NODES = 800;

const dir = mkdtempSync(join(tmpdir(), 'sopstate-dry-run-responsive-'));
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a dry run of a big workflow on the server', () => {
  it('leaves the server answering other requests while it goes on', async () => {
    writeLongChain(dir, 'long-chain', NODES);
    server = await startServer({
      workflowsDir: dir,
      dbFile: join(dir, 'runs.db'),
      port: 0,
      log: () => {},
      runtime: { startRun, load: loadWorkflowFile, createExecutors: () => ({}) },
    });
    const url = server.url;
    const runId = await startDryRun(url, 'long-chain');
    const statusOf = async () =>
      ((await (await fetch(`${url}/api/runs/${runId}`)).json()) as { status: string }).status;
    // Answered while the run walks its chain (before, only after its last node: the run was COMPLETED by then).
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await statusOf()).toBe('RUNNING');
    const ended = await waitFor(
      async () => {
        const status = await statusOf();
        return status === 'RUNNING' ? undefined : status;
      },
      `the dry run ${runId} to end`,
      6_000,
    );
    expect(ended).toBe('COMPLETED');
  }, 90_000);
});
