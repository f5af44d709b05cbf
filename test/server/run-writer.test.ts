// The server's write-behind of one run reads the run's snapshot when it stores it (reading one copies the run's
// whole context), and a server that stops taking a run's events stores the snapshot that goes with them.
import { afterEach, describe, expect, it } from 'vitest';
import { RunWriter } from '../../src/server/run-writer.ts';
import { openSqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function writerOfNewRun(): Promise<{ writer: RunWriter; store: Store }> {
  store = openSqliteStore(':memory:');
  await store.createRun({ id: 'r1', workflowId: 'w', workflowFile: 'w.osop.yaml', inputs: {} });
  const claim = await store.claimRun('r1', 'node-a');
  if (!claim) throw new Error('the run could not be claimed');
  const writer = new RunWriter({
    store,
    runId: 'r1',
    epoch: claim.epoch,
    onStored: () => {},
    onLost: () => {},
    onError: (error) => {
      throw error;
    },
  });
  return { writer, store };
}

describe('RunWriter', () => {
  it('reads the latest snapshot once when it writes, not the snapshot of every step', async () => {
    const { writer, store } = await writerOfNewRun();
    const run = { step: 0 };
    let reads = 0;
    const read = () => {
      reads += 1;
      return { ...run };
    };
    for (let step = 1; step <= 50; step += 1) {
      run.step = step;
      writer.snapshot(read);
    }
    await writer.idle();
    expect(reads).toBe(1);
    expect((await store.getRun('r1'))?.snapshot).toEqual({ step: 50 });
  });

  it('stores, once sealed, the run as it was then, not what it did after', async () => {
    const { writer, store } = await writerOfNewRun();
    const run = { step: 1 };
    writer.snapshot(() => ({ ...run }));
    writer.seal();
    // The run goes on after its server stopped taking its events: none of that is stored.
    run.step = 2;
    await writer.idle();
    expect((await store.getRun('r1'))?.snapshot).toEqual({ step: 1 });
  });
});
