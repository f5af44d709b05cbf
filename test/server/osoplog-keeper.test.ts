// A finished run's .osoplog (store and file) is kept even while other runs' are still being written: a file that
// takes long holds back no other run's record, and a burst of finished runs is kept in batches, not one per turn.
import { afterEach, describe, expect, it } from 'vitest';
import { OsoplogKeeper } from '../../src/server/osoplog-keeper.ts';
import { RunManager } from '../../src/server/run-manager.ts';
import { openSqliteStore } from '../../src/store/sqlite-store.ts';
import type { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { createFakeRunner } from './support/fake-runner.ts';
import { fakeLoad } from './support/fake-workflows.ts';
import { waitFor } from './support/wait.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function twoNodeWorkflow(): Promise<Workflow> {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-keeper-'));
  dirs.push(dir);
  const file = join(dir, 'two.osop.yaml');
  writeFileSync(file, 'id: two\nnodes: [{id: a, type: api}, {id: b, type: api}]\nedges: [{from: a, to: b}]\n');
  const { workflow } = await fakeLoad(file);
  return workflow!;
}

function manager(write: (runId: string, yaml: string) => Promise<unknown>): {
  manager: RunManager;
  store: SqliteStore;
} {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  const runner = createFakeRunner({ stepMs: 0 });
  const manager = new RunManager({
    store,
    startRun: runner.startRun,
    createExecutors: () => ({}),
    loadWorkflow: () => Promise.reject(new Error('no restore here')),
    writeOsoplog: write,
    workflowHash: async () => 'hash',
    log: () => {},
  });
  return { manager, store };
}

describe('keeping .osoplogs', () => {
  it('a file that never finishes writing holds back no other run: their records are stored and their files written', async () => {
    const workflow = await twoNodeWorkflow();
    const written: string[] = [];
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const { manager: runs, store } = manager(async (runId) => {
      written.push(runId);
      if (written.length === 1) await stuck; // the first file's disk hangs
    });
    const first = await runs.start(workflow, {});
    await waitFor(async () => written.length === 1 || undefined, 'the first run to be written');
    const later = await Promise.all(Array.from({ length: 5 }, () => runs.start(workflow, {})));
    await waitFor(async () => written.length === 6 || undefined, 'the later runs to be written while the first hangs');
    for (const run of later) expect(await store.getOsoplog(run.id)).toContain(run.id);
    expect(await store.getOsoplog(first.id)).toContain(first.id);
    let stopped = false;
    const closing = runs.close().then(() => (stopped = true));
    await new Promise((settle) => setTimeout(settle, 20));
    expect(stopped).toBe(false); // a clean stop waits for the file still being written
    release();
    await closing;
  });

  it('keeps a burst of 100 finished runs in batches: a few dozen turns of the event loop, not several a run', async () => {
    const workflow = await twoNodeWorkflow();
    const { manager: runs, store } = manager(async () => {});
    const started = await Promise.all(Array.from({ length: 100 }, () => runs.start(workflow, {})));
    await waitFor(
      async () =>
        (await Promise.all(started.map((run) => store.getRun(run.id)))).every((run) => run?.status !== 'RUNNING') ||
        undefined,
      'every run to finish',
    );
    await runs.close();
    const files: string[] = [];
    const keeper = new OsoplogKeeper({
      store,
      // A file written through libuv's pool, as node:fs/promises does: open, write and close wait a turn each.
      write: async (runId) => {
        for (let turn = 0; turn < 3; turn++) await new Promise((next) => setImmediate(next));
        files.push(runId);
      },
      log: (message) => expect.fail(message),
    });
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    for (const run of started) keeper.keep(run.id, workflow);
    await keeper.kept();
    counting = false;
    expect(files.sort()).toEqual(started.map((run) => run.id).sort());
    // One run at a time (its turn, then its file's three) this took over 400 turns; under load a turn is ~10-50 ms.
    expect(turns).toBeLessThan(60);
  });
});
