// The server's write-behind of one run reads the run's snapshot when it stores it (reading one copies the run's
// whole context), a server that stops taking a run's events stores the snapshot that goes with them, and the runs'
// writers of one turn store their events in that turn.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { RunWriter } from '../../src/server/run-writer.ts';
import { WriteTurn } from '../../src/server/write-turn.ts';
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
    turn: new WriteTurn(store),
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

  it('stores what the writers of a turn flushed in that turn, not one turn later', async () => {
    store = openSqliteStore(':memory:');
    const shared = store;
    const turn = new WriteTurn(shared);
    const order: string[] = [];
    const writers = await Promise.all(
      ['r1', 'r2'].map(async (runId) => {
        await shared.createRun({ id: runId, workflowId: 'w', workflowFile: 'w.osop.yaml', inputs: {} });
        const claim = await shared.claimRun(runId, 'node-a');
        if (!claim) throw new Error('the run could not be claimed');
        return new RunWriter({
          store: shared,
          turn,
          runId,
          epoch: claim.epoch,
          onStored: (events) => order.push(`stored ${events.map((event) => `${event.runId}#${event.seq}`).join(',')}`),
          onLost: () => order.push('lost'),
          onError: (error) => order.push(`error ${String(error)}`),
        });
      }),
    );
    const started = (runId: string): RunEvent => ({
      type: 'node.started',
      node: 'a',
      nodeType: 'api',
      visit: 1,
      attempt: 1,
      runId,
      seq: 1,
      at: new Date().toISOString(),
    });
    // As a call's answer arrives: in a callback of the loop, each run emits its events, and the loop goes on.
    await new Promise<void>((done) =>
      setTimeout(() => {
        writers[0].event(started('r1'));
        writers[1].event(started('r2'));
        setImmediate(() => {
          order.push('the turn ended');
          done();
        });
      }),
    );
    await Promise.all(writers.map((writer) => writer.idle()));
    expect(order).toEqual(['stored r1#1', 'stored r2#1', 'the turn ended']);
    expect((await shared.eventsAfter('r2', 0)).map((event) => event.type)).toEqual(['node.started']);
  });
});
