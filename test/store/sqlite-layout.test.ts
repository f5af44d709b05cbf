// How the SQLite store lays a run out on disk: events (and inspection records, .osoplogs) in arrival order, so the
// runs one commit writes share pages and an event of a few KB stays in its row; and a database made before that
// layout opens with everything it holds.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import type { InspectionRecord } from '../../src/inspect/record.ts';
import { openSqliteStore } from '../../src/store/sqlite-store.ts';
import { eventAt as event, olderDatabase, useTempDbFiles } from './support/store-fixtures.ts';

const tempDb = useTempDbFiles('sopstate-layout-');

/** The sizes (bytes of JSON) of a seed run's events, as `sopstate serve` stored them, one array per write. */
const SEED_WRITES = [
  [199, 174, 429],
  [989, 749, 174, 172, 449],
  [1590, 1419, 175, 175, 459],
  [1637, 1366, 174, 172, 280],
  [1556, 1368, 221, 174, 5144],
  [2900, 401, 703, 218],
];

/** An event whose JSON text is about `bytes` long. */
const sized = (runId: string, seq: number, bytes: number): RunEvent => {
  const bare = JSON.stringify(event(runId, seq, { type: 'agent.delta', node: 'receipt', text: '' })).length;
  return event(runId, seq, { type: 'agent.delta', node: 'receipt', text: 'x'.repeat(Math.max(0, bytes - bare)) });
};

describe('the SQLite store on disk', () => {
  it('keeps the events of runs written side by side in about their own size', async () => {
    const announced: string[] = [];
    const store = openSqliteStore(tempDb(), [], (id) => announced.push(id));
    // A new file's first migrations are no upgrade.
    expect(announced).toEqual([]);
    const runs = Array.from({ length: 40 }, (_, index) => `run-${String(index).padStart(2, '0')}-${index * 7919}`);
    for (const id of runs) await store.createRun({ id, workflowId: 'wf', workflowFile: '/w/wf.osop.yaml', inputs: {} });
    let bytes = 0;
    let seq = 0;
    // Every run takes its next step in the same commit, as the group commit does with runs in flight together.
    for (const sizes of SEED_WRITES) {
      const writes = runs.map((id) => {
        const events = sizes.map((size, index) => sized(id, seq + index + 1, size));
        bytes += events.reduce((sum, written) => sum + JSON.stringify(written).length, 0);
        return store.writeRun(id, 0, { events });
      });
      expect(await Promise.all(writes)).toEqual(runs.map(() => true));
      seq += sizes.length;
    }
    const { pages } = store.db
      .prepare<[], { pages: number }>("SELECT SUM(pgsize) AS pages FROM dbstat WHERE name LIKE 'events%'")
      .get()!;
    // Clustered by (run_id, seq) in a WITHOUT ROWID table, an event over ~1 KB took overflow pages of its own:
    // about 2.3× the bytes here. In arrival order the events and their (run_id, seq) index take under 1.4×.
    expect(pages / bytes).toBeLessThan(1.4);
    expect((await store.eventsAfter(runs[7], 0)).map((stored) => stored.seq)).toEqual(
      Array.from({ length: seq }, (_, index) => index + 1),
    );
    await store.close();
  });

  it('opens a database made before that layout with its runs, events, records and .osoplogs, and goes on', async () => {
    const file = tempDb();
    const inOrder = new Set(['runs-events-in-order-001', 'runs-osoplogs-in-order-001', 'inspect-002-in-order']);
    const before = olderDatabase(file, [...inOrder]);
    expect(before.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events'").get()).toMatchObject({
      sql: expect.stringContaining('WITHOUT ROWID'),
    });
    const now = '2026-01-01T00:00:00.000Z';
    for (const id of ['r1', 'r2']) {
      before
        .prepare(
          `INSERT INTO runs (id, workflow_id, workflow_file, inputs, status, created_at, updated_at, last_seq)
           VALUES (?, 'wf', '/w/wf.osop.yaml', '{}', 'RUNNING', ?, ?, 2)`,
        )
        .run(id, now, now);
      for (const seq of [1, 2]) {
        const stored = sized(id, seq, 300 * seq);
        before
          .prepare('INSERT INTO events (run_id, seq, type, json) VALUES (?, ?, ?, ?)')
          .run(id, seq, stored.type, JSON.stringify(stored));
        const record: InspectionRecord = {
          type: '@xstate.actor',
          runId: id,
          seq,
          at: now,
          actorId: `x:${seq}`,
          name: 'run',
        };
        before
          .prepare('INSERT INTO inspection_records (run_id, seq, type, json) VALUES (?, ?, ?, ?)')
          .run(id, seq, record.type, JSON.stringify(record));
      }
    }
    before.prepare('INSERT INTO osoplogs (run_id, yaml, created_at) VALUES (?, ?, ?)').run('r1', 'run_id: r1\n', now);
    before.close();

    const announced: string[] = [];
    const store = openSqliteStore(file, [], (id) => announced.push(id));
    // A rewrite of a table can take a while on a big file: the opener hears of each migration before it runs.
    expect(announced).toEqual([...inOrder]);
    expect((await store.eventsAfter('r2', 0)).map((stored) => [stored.seq, stored.type])).toEqual([
      [1, 'agent.delta'],
      [2, 'agent.delta'],
    ]);
    expect((await store.inspectionAfter('r1', 1)).map((record) => record.actorId)).toEqual(['x:2']);
    expect(await store.getOsoplog('r1')).toBe('run_id: r1\n');
    // The run goes on where it was: the next seq is 3, a repeated one is refused, and the log stays append-only.
    expect(await store.writeRun('r2', 0, { events: [sized('r2', 3, 200)] })).toBe(true);
    await expect(store.writeRun('r2', 0, { events: [sized('r2', 3, 200)] })).rejects.toThrow(/expected 4/);
    expect(() => store.db.exec("UPDATE events SET type = 'x'")).toThrow(/append-only/);
    expect(() => store.db.exec('DELETE FROM events')).toThrow(/append-only/);
    expect(() => store.db.exec("UPDATE inspection_records SET type = 'x'")).toThrow(/append-only/);
    await store.putOsoplog('r1', 'run_id: r1\nstatus: COMPLETED\n');
    expect(await store.getOsoplog('r1')).toBe('run_id: r1\nstatus: COMPLETED\n');
    // Two events with one seq cannot both be kept, whatever the writer: the (run_id, seq) index is unique.
    expect(() =>
      store.db.prepare("INSERT INTO events (run_id, seq, type, json) VALUES ('r1', 1, 'x', '{}')").run(),
    ).toThrow(/UNIQUE/);
    await store.close();
  });
});
