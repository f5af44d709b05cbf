// Issue 20 "Bounded state everywhere": XState's persisted snapshot copies the run's whole context. The server made one
// after every transition and stored only the latest of each write, so a run of N steps cost N copies of a context
// that grows with N: the dry run of a 5,000-node chain took 14.6 s on the server, 6.4 s once it read the snapshot
// when it writes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunOptions } from '../../src/machine/run-options.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startDryRun, writeLongChain } from './support/long-chain.ts';
import { waitFor } from './support/wait.ts';

const NODES = 400;

const dir = mkdtempSync(join(tmpdir(), 'sopstate-snapshot-reads-'));
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the snapshots of a long run on the server', () => {
  it('are made once per store write, not after every transition', async () => {
    writeLongChain(dir, 'long-chain', NODES);
    let transitions = 0;
    let snapshotsMade = 0;
    // The runner as the server calls it, counting the persisted snapshots made for the server, by either hook.
    const countingStartRun = (options: RunOptions) => {
      const { onSnapshot, onTransition } = options;
      return startRun({
        ...options,
        ...(onSnapshot && {
          onSnapshot: (snapshot: unknown) => {
            transitions += 1;
            snapshotsMade += 1;
            onSnapshot(snapshot);
          },
        }),
        ...(onTransition && {
          onTransition: (readSnapshot: () => unknown) => {
            transitions += 1;
            onTransition(() => {
              snapshotsMade += 1;
              return readSnapshot();
            });
          },
        }),
      });
    };
    server = await startServer({
      workflowsDir: dir,
      dbFile: join(dir, 'runs.db'),
      port: 0,
      log: () => {},
      runtime: { startRun: countingStartRun, load: loadWorkflowFile, createExecutors: () => ({}) },
    });
    const url = server.url;
    const runId = await startDryRun(url, 'long-chain');
    const run = await waitFor(
      async () => {
        const body = (await (await fetch(`${url}/api/runs/${runId}`)).json()) as {
          status: string;
          nodes: Record<string, { status: string }>;
        };
        return body.status === 'RUNNING' ? undefined : body;
      },
      `the dry run ${runId} to end`,
      30_000,
    );
    expect(run.status).toBe('COMPLETED');
    expect(Object.values(run.nodes).filter((node) => node.status === 'COMPLETED')).toHaveLength(NODES);
    // Every node's end is a transition; the store wrote far fewer times (once per turn of the event loop at most).
    expect(transitions).toBeGreaterThan(NODES);
    expect(snapshotsMade).toBeGreaterThan(0);
    expect(snapshotsMade).toBeLessThan(transitions / 2);
  }, 90_000);
});
