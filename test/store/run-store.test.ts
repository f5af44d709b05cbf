import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.ts';
import { EventSequenceError, RunStore } from '../../src/store/run-store.ts';
import { eventAt as event, useTempDbFiles } from './support/store-fixtures.ts';

const tempDb = useTempDbFiles('sopstate-store-');

const newRun = (store: RunStore, id: string) =>
  store.createRun({ id, workflowId: 'wf', workflowFile: '/w/wf.osop.yaml', inputs: { email: 'a@b.c' } });

describe('RunStore', () => {
  it('keeps a run, its events in order and its snapshot across a reopen of the file', () => {
    const file = tempDb();
    const store = new RunStore(openDatabase(file));
    newRun(store, 'r1');
    store.appendEvent(
      event('r1', 1, { type: 'run.started', workflowId: 'wf', workflowName: 'WF', inputs: {}, dryRun: false }),
    );
    store.appendEvent(event('r1', 2, { type: 'node.started', node: 'a', nodeType: 'api', visit: 1, attempt: 1 }));
    store.saveSnapshot('r1', { value: 'a', context: { n: 1 } });
    store.close();

    const reopened = new RunStore(openDatabase(file));
    const run = reopened.getRun('r1');
    expect(run).toMatchObject({ id: 'r1', status: 'RUNNING', lastSeq: 2, inputs: { email: 'a@b.c' } });
    expect(run?.snapshot).toEqual({ value: 'a', context: { n: 1 } });
    expect(reopened.eventsAfter('r1', 0).map((e) => e.type)).toEqual(['run.started', 'node.started']);
    expect(reopened.eventsAfter('r1', 1).map((e) => e.seq)).toEqual([2]);
    expect(reopened.runningRuns().map((r) => r.id)).toEqual(['r1']);
    reopened.close();
  });

  it('moves the run status with its final event and no longer lists it as running', () => {
    const store = new RunStore(openDatabase(':memory:'));
    newRun(store, 'r1');
    store.appendEvent(
      event('r1', 1, { type: 'run.failed', status: 'FAILED', durationMs: 5, error: { message: 'card_declined' } }),
    );
    expect(store.getRun('r1')?.status).toBe('FAILED');
    expect(store.runningRuns()).toEqual([]);
  });

  it('refuses a duplicate or a gap in seq, and keeps the log unchanged', () => {
    const store = new RunStore(openDatabase(':memory:'));
    newRun(store, 'r1');
    store.appendEvent(event('r1', 1, { type: 'node.skipped', node: 'a' }));
    expect(() => store.appendEvent(event('r1', 1, { type: 'node.skipped', node: 'b' }))).toThrow(EventSequenceError);
    expect(() => store.appendEvent(event('r1', 3, { type: 'node.skipped', node: 'c' }))).toThrow(EventSequenceError);
    expect(store.eventsAfter('r1', 0)).toHaveLength(1);
    expect(store.getRun('r1')?.lastSeq).toBe(1);
  });

  it('refuses events for a run it does not know', () => {
    const store = new RunStore(openDatabase(':memory:'));
    expect(() => store.appendEvent(event('ghost', 1, { type: 'node.skipped', node: 'a' }))).toThrow(
      /unknown run ghost/,
    );
  });

  it('lists runs newest first, a page at a time, with the total', () => {
    const store = new RunStore(openDatabase(':memory:'));
    for (const id of ['r1', 'r2', 'r3']) newRun(store, id);
    const first = store.listRuns(2, 0);
    expect(first.total).toBe(3);
    expect(first.items).toHaveLength(2);
    const second = store.listRuns(2, 2);
    const ids = [...first.items, ...second.items].map((r) => r.id);
    expect(new Set(ids)).toEqual(new Set(['r1', 'r2', 'r3']));
  });

  it('does not let anyone rewrite the event log', () => {
    const db = openDatabase(':memory:');
    const store = new RunStore(db);
    newRun(store, 'r1');
    store.appendEvent(event('r1', 1, { type: 'node.skipped', node: 'a' }));
    expect(() => db.exec("UPDATE events SET type = 'x'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);
  });

  it('applies migrations once, and accepts extra ones from other modules', () => {
    const file = tempDb();
    const extra = [{ id: 'chat-001', sql: 'CREATE TABLE conversations (id TEXT PRIMARY KEY)' }];
    openDatabase(file, { migrations: extra }).close();
    const db = openDatabase(file, { migrations: extra });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = db.prepare('SELECT id FROM schema_migrations ORDER BY id').all();
    expect(applied).toEqual([
      { id: 'chat-001' },
      { id: 'runs-001-init' },
      { id: 'runs-events-in-order-001' },
      { id: 'runs-idempotency-keys-001' },
      { id: 'runs-resume-attempts-001' },
    ]);
    db.close();
  });
});
