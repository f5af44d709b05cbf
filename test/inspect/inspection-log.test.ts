// The server's inspection log: every run recorded gaplessly in SQLite, fanned out live, continued by a resumed run.
import { describe, expect, it } from 'vitest';
import { InspectionLog } from '../../src/server/inspection-log.ts';
import { inspectionMigrations } from '../../src/store/inspection-migrations.ts';
import type { InspectionRecord } from '../../src/inspect/record.ts';
import { startRun } from '../../src/machine/runner.ts';
import { openDatabase } from '../../src/store/database.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { RunOptions } from '../../src/machine/run-options.ts';
import { scripted, scriptedAwaitingHumans, workflowFrom } from '../machine/helpers.ts';

const TWO_STEPS = workflowFrom(`
osop_version: "1.0"
id: two-steps
name: Two steps
nodes:
  - { id: first, type: cli }
  - { id: second, type: cli }
edges:
  - { from: first, to: second }
`);

const GATED = workflowFrom(`
osop_version: "1.0"
id: gated
name: Gated
nodes:
  - { id: approve, type: human }
  - { id: ship, type: cli }
edges:
  - { from: approve, to: ship }
`);

const setup = (recordAll = true) => {
  const db = openDatabase(':memory:', { migrations: inspectionMigrations });
  const runs = new RunStore(db);
  const log = new InspectionLog(new SqliteStore(db), { log: () => {}, recordAll });
  const record = (id: string) =>
    runs.createRun({ id, workflowId: TWO_STEPS.id, workflowFile: TWO_STEPS.file, inputs: {} });
  return { db, log, record };
};

const drain = async (subscription: ReturnType<InspectionLog['subscribe']>): Promise<InspectionRecord[]> => {
  const seen: InspectionRecord[] = [];
  for (let next = await subscription.next(); next; next = await subscription.next()) seen.push(next);
  return seen;
};

describe('the inspection log', () => {
  it('stores every record of a run in seq order and hands the same records to a live subscriber, then ends', async () => {
    const { log, record } = setup(false);
    record('r1');
    const live = drain(log.subscribe('r1'));
    const passedOn: unknown[] = [];
    const handle = log.recording(startRun)({
      workflow: TWO_STEPS,
      runId: 'r1',
      executors: scripted(),
      inspect: (event) => passedOn.push(event),
    });
    expect(log.isLive('r1')).toBe(true);
    expect((await handle.done).status).toBe('COMPLETED');
    const stored = await log.store.after('r1', 0);
    expect(stored.map((entry) => entry.seq)).toEqual(stored.map((_, index) => index + 1));
    expect(
      stored
        .filter((entry) => entry.type === '@xstate.actor')
        .map((entry) => entry.type === '@xstate.actor' && entry.name),
    ).toEqual(['two-steps', 'first', 'second']);
    expect(await live).toEqual(stored);
    expect(log.isLive('r1')).toBe(false);
    // The runner's own inspect option still gets XState's events.
    expect(passedOn.length).toBeGreaterThanOrEqual(stored.length);
  });

  it('a run started again under the same id (a resume) continues the seq where the store left off', async () => {
    const { log, record } = setup();
    record('r2');
    await log.recording(startRun)({ workflow: TWO_STEPS, runId: 'r2', executors: scripted() }).done;
    const first = await log.store.lastSeq('r2');
    await log.recording(startRun)({ workflow: TWO_STEPS, runId: 'r2', executors: scripted() }).done;
    const all = await log.store.after('r2', 0);
    expect(all.map((entry) => entry.seq)).toEqual(all.map((_, index) => index + 1));
    expect(all.length).toBe(first * 2);
  });

  it('without recordAll (serve without --inspect-log) a run nobody inspects records nothing; a watched one all', async () => {
    const { log, record } = setup(false);
    record('unwatched');
    await log.recording(startRun)({ workflow: TWO_STEPS, runId: 'unwatched', executors: scripted() }).done;
    expect(await log.store.lastSeq('unwatched')).toBe(0);
    record('watched');
    const live = drain(log.subscribe('watched'));
    await log.recording(startRun)({ workflow: TWO_STEPS, runId: 'watched', executors: scripted() }).done;
    const stored = await log.store.after('watched', 0);
    expect(stored.filter((entry) => entry.type === '@xstate.actor').length).toBe(3);
    expect(await live).toEqual(stored);
  });

  it('asks XState for no inspection while nobody follows a run, and follows it from when an inspector attaches', async () => {
    const { log, record } = setup(false);
    record('late');
    let given: RunOptions | undefined;
    let attached = 0;
    const handle = log.recording((options) => {
      given = options;
      const started = startRun(options);
      return {
        ...started,
        inspect: (observer) => {
          attached += 1;
          return started.inspect(observer);
        },
      };
    })({ workflow: GATED, runId: 'late', executors: scriptedAwaitingHumans() });
    while (handle.waiting().length === 0) await new Promise((settle) => setTimeout(settle, 5));
    expect(given?.inspect).toBeUndefined();
    expect(attached).toBe(0);
    const live = drain(log.subscribe('late'));
    expect(attached).toBe(1);
    handle.signal('approve', { decision: 'approved' });
    expect((await handle.done).status).toBe('COMPLETED');
    const stored = await log.store.after('late', 0);
    const actors = stored.flatMap((entry) => (entry.type === '@xstate.actor' ? [entry.name] : []));
    // The run and its first node started before anyone watched; the second node's actor is recorded.
    expect(actors).toEqual(['ship']);
    expect(stored.map((entry) => entry.seq)).toEqual(stored.map((_, index) => index + 1));
    expect(await live).toEqual(stored);
  });

  it('records nothing once closed (a server shutting down cancels runs that will resume)', async () => {
    const { log, record } = setup();
    record('r3');
    log.close();
    await log.recording(startRun)({ workflow: TWO_STEPS, runId: 'r3', executors: scripted() }).done;
    expect(await log.store.lastSeq('r3')).toBe(0);
  });
});
