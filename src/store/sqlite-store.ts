// The Store on one SQLite file: the synchronous RunStore underneath, behind the async interface the server uses.
import type { Database } from 'better-sqlite3';
import type { InspectionRecord } from '../inspect/record.ts';
import { inspectionMigrations } from './inspection-migrations.ts';
import type { RunEvent } from '../events/run-event.ts';
import { jsonText } from '../util/json-text.ts';
import { openDatabase } from './database.ts';
import {
  idempotencyMigrations,
  type CreatedOnce,
  type IdempotencyKey,
  type IdempotentRequest,
} from './idempotency-store.ts';
import { migrate, runMigrations, type Migration } from './migrations.ts';
import {
  EventSequenceError,
  RunStore,
  type NewRun,
  type Page,
  type RunFilter,
  type RunRecord,
  type RunRecordWithSnapshot,
} from './run-store.ts';
import type { RunClaim, RunWrite, Store } from './store.ts';

/** Cluster parity on one file: the workflow document's hash, fenced ownership (epoch, owner), kept .osoplogs. */
const ownershipMigrations: readonly Migration[] = [
  {
    id: 'runs-002-ownership',
    sql: `
      ALTER TABLE runs ADD COLUMN workflow_hash TEXT;
      ALTER TABLE runs ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN owner TEXT;
      CREATE TABLE osoplogs (
        run_id TEXT PRIMARY KEY REFERENCES runs (id),
        yaml TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // A rowid table: a record (~7 KB for a seed run) is written at the end, not into the middle of a b-tree keyed by
    // a random run id (migrations.ts, runs-events-in-order-001).
    id: 'runs-osoplogs-in-order-001',
    sql: `
      CREATE TABLE osoplogs_in_order (
        run_id TEXT PRIMARY KEY REFERENCES runs (id),
        yaml TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      INSERT INTO osoplogs_in_order (run_id, yaml, created_at) SELECT run_id, yaml, created_at FROM osoplogs;
      DROP TABLE osoplogs;
      ALTER TABLE osoplogs_in_order RENAME TO osoplogs;
    `,
  },
];

/** Every migration the store applies to its database, in order. */
export const sqliteStoreMigrations: readonly Migration[] = [
  ...runMigrations,
  ...idempotencyMigrations,
  ...ownershipMigrations,
  ...inspectionMigrations,
];

interface PendingWrite {
  runId: string;
  epoch: number;
  write: RunWrite;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

interface ClaimRow {
  epoch: number;
  last_seq: number;
  snapshot: string | null;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly db: Database;
  readonly runs: RunStore;
  readonly #write: (runId: string, epoch: number, write: RunWrite) => boolean;
  readonly #commitGroup: (group: PendingWrite[]) => Array<{ stored: boolean } | { error: unknown }>;
  /** Run writes of this turn of the event loop: committed together (each its own savepoint) on the next. */
  #group: PendingWrite[] = [];
  readonly #claim: (runId: string, owner: string) => ClaimRow | undefined;
  readonly #appendInspection: (records: InspectionRecord[]) => void;
  /** Statements used once or more per run, prepared once. */
  readonly #statements;

  /** `db` gets the run, idempotency-key, ownership and inspection tables it lacks. */
  constructor(db: Database) {
    migrate(db, sqliteStoreMigrations);
    this.db = db;
    this.runs = new RunStore(db);
    const epochOf = db.prepare<[string], { epoch: number; last_seq: number }>(
      'SELECT epoch, last_seq FROM runs WHERE id = ?',
    );
    const bump = db.prepare<[string, string, string], ClaimRow>(
      `UPDATE runs SET epoch = epoch + 1, owner = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING'
       RETURNING epoch, last_seq, snapshot`,
    );
    const insertEvent = db.prepare<[string, number, string, string]>(
      'INSERT INTO events (run_id, seq, type, json) VALUES (?, ?, ?, ?)',
    );
    // One UPDATE per batch: the last seq, the status a final event sets, and the snapshot when it changed.
    const advance = db.prepare<[number, string, string | null, string | null, string]>(
      `UPDATE runs SET last_seq = ?, updated_at = ?, status = COALESCE(?, status), snapshot = COALESCE(?, snapshot)
       WHERE id = ?`,
    );
    const inspect = db.prepare<[string, number, string, string]>(
      'INSERT OR IGNORE INTO inspection_records (run_id, seq, type, json) VALUES (?, ?, ?, ?)',
    );
    this.#claim = db.transaction((runId: string, owner: string) => bump.get(owner, new Date().toISOString(), runId));
    this.#write = db.transaction((runId: string, epoch: number, write: RunWrite) => {
      const current = epochOf.get(runId);
      if (!current) throw new Error(`unknown run ${runId}`);
      if (current.epoch !== epoch) return false;
      let lastSeq = current.last_seq;
      let status: string | null = null;
      for (const event of write.events) {
        if (event.runId !== runId || event.seq !== lastSeq + 1)
          throw new EventSequenceError(runId, lastSeq + 1, event.seq);
        insertEvent.run(runId, event.seq, event.type, jsonText(event));
        lastSeq = event.seq;
        if (event.type === 'run.completed' || event.type === 'run.failed') status = event.status;
      }
      if (write.events.length === 0 && write.snapshot === undefined) return true;
      const snapshot = write.snapshot === undefined ? null : JSON.stringify(write.snapshot);
      const at = write.events.at(-1)?.at ?? new Date().toISOString();
      advance.run(lastSeq, at, status, snapshot, runId);
      return true;
    });
    this.#commitGroup = db.transaction((group: PendingWrite[]) =>
      group.map(({ runId, epoch, write }) => {
        try {
          return { stored: this.#write(runId, epoch, write) };
        } catch (error) {
          return { error };
        }
      }),
    );
    this.#statements = {
      setHash: db.prepare<[string | null, string]>('UPDATE runs SET workflow_hash = ? WHERE id = ?'),
      hashOf: db.prepare<[string], { workflow_hash: string | null }>('SELECT workflow_hash FROM runs WHERE id = ?'),
      findKey: db.prepare<[string], { request_hash: string; run_id: string }>(
        'SELECT request_hash, run_id FROM run_idempotency_keys WHERE key = ?',
      ),
      insertKey: db.prepare<[string, string, string, string]>(
        'INSERT INTO run_idempotency_keys (key, request_hash, run_id, created_at) VALUES (?, ?, ?, ?)',
      ),
      inspectionAfter: db.prepare<[string, number, number], { json: string }>(
        'SELECT json FROM inspection_records WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      inspectionLastSeq: db.prepare<[string], { last: number | null }>(
        'SELECT MAX(seq) AS last FROM inspection_records WHERE run_id = ?',
      ),
      putOsoplog: db.prepare<[string, string, string]>(
        'INSERT INTO osoplogs (run_id, yaml, created_at) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET yaml = excluded.yaml',
      ),
      getOsoplog: db.prepare<[string], { yaml: string }>('SELECT yaml FROM osoplogs WHERE run_id = ?'),
    };
    this.#appendInspection = db.transaction((records: InspectionRecord[]) => {
      for (const record of records) inspect.run(record.runId, record.seq, record.type, JSON.stringify(record));
    });
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    return this.db.transaction(() => this.#create(run))();
  }

  async createRunOnce(run: NewRun, key: IdempotencyKey): Promise<CreatedOnce> {
    return this.db.transaction((): CreatedOnce => {
      const earlier = this.#findKey(key.key);
      if (earlier) return { earlier };
      const created = this.#create(run);
      this.#statements.insertKey.run(key.key, key.requestHash, run.id, created.createdAt);
      return { created };
    })();
  }

  async findIdempotentRun(key: string): Promise<IdempotentRequest | undefined> {
    return this.#findKey(key);
  }

  async getRun(runId: string): Promise<RunRecordWithSnapshot | undefined> {
    const run = this.runs.getRun(runId);
    return run && this.#withHash(run);
  }

  async listRuns(limit: number, offset: number, filter?: RunFilter): Promise<Page<RunRecord>> {
    return this.runs.listRuns(limit, offset, filter);
  }

  async eventsAfter(runId: string, afterSeq: number, limit = 1000): Promise<RunEvent[]> {
    return this.runs.eventsAfter(runId, afterSeq, limit);
  }

  async runningRuns(): Promise<RunRecordWithSnapshot[]> {
    return this.runs.runningRuns().map((run) => this.#withHash(run));
  }

  async countResumeAttempt(runId: string): Promise<void> {
    this.runs.countResumeAttempt(runId);
  }

  async resetResumeAttempts(runId: string): Promise<void> {
    this.runs.resetResumeAttempts(runId);
  }

  async claimRun(runId: string, owner: string): Promise<RunClaim | undefined> {
    const row = this.#claim(runId, owner);
    if (!row) return undefined;
    return {
      epoch: row.epoch,
      lastSeq: row.last_seq,
      snapshot: row.snapshot === null ? undefined : (JSON.parse(row.snapshot) as unknown),
    };
  }

  /**
   * Writes of many runs in one turn share one commit (a group commit), in the next check phase or when
   * commitQueuedWrites asks for it first; each is still all or nothing.
   */
  writeRun(runId: string, epoch: number, write: RunWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#group.push({ runId, epoch, write, resolve, reject });
      if (this.#group.length === 1) setImmediate(() => this.#flushGroup());
    });
  }

  /** Commits the queued writes now (the server's WriteTurn, in the turn its run writers flushed). */
  commitQueuedWrites(): void {
    this.#flushGroup();
  }

  #flushGroup(): void {
    const group = this.#group;
    this.#group = [];
    if (group.length === 0) return;
    let results;
    try {
      results = this.#commitGroup(group);
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, index) => {
      const result = results[index];
      if ('error' in result) pending.reject(result.error);
      else pending.resolve(result.stored);
    });
  }

  async appendInspection(records: InspectionRecord[]): Promise<void> {
    this.#appendInspection(records);
  }

  async inspectionAfter(runId: string, afterSeq: number, limit = 1000): Promise<InspectionRecord[]> {
    return this.#statements.inspectionAfter
      .all(runId, afterSeq, limit)
      .map((row) => JSON.parse(row.json) as InspectionRecord);
  }

  async inspectionLastSeq(runId: string): Promise<number> {
    return this.#statements.inspectionLastSeq.get(runId)?.last ?? 0;
  }

  async putOsoplog(runId: string, yaml: string): Promise<void> {
    this.#statements.putOsoplog.run(runId, yaml, new Date().toISOString());
  }

  async getOsoplog(runId: string): Promise<string | undefined> {
    return this.#statements.getOsoplog.get(runId)?.yaml;
  }

  async close(): Promise<void> {
    this.#flushGroup();
    this.runs.close();
  }

  #create(run: NewRun): RunRecord {
    const created = this.runs.createRun(run);
    this.#statements.setHash.run(run.workflowHash ?? null, run.id);
    return { ...created, ...(run.workflowHash ? { workflowHash: run.workflowHash } : {}) };
  }

  #findKey(key: string): IdempotentRequest | undefined {
    const row = this.#statements.findKey.get(key);
    return row && { requestHash: row.request_hash, runId: row.run_id };
  }

  #withHash(run: RunRecordWithSnapshot): RunRecordWithSnapshot {
    const row = this.#statements.hashOf.get(run.id);
    return row?.workflow_hash ? { ...run, workflowHash: row.workflow_hash } : run;
  }
}

/**
 * Opens (creating and migrating) the SQLite file, with the inspection tables and any module's migrations;
 * `onUpgrade` hears each migration about to be applied to a file an earlier version made.
 */
export const openSqliteStore = (
  file: string,
  migrations: readonly Migration[] = [],
  onUpgrade?: (migrationId: string) => void,
): SqliteStore =>
  new SqliteStore(
    openDatabase(file, { migrations: [...ownershipMigrations, ...inspectionMigrations, ...migrations], onUpgrade }),
  );
