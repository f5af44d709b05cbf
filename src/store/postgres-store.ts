// The Store on PostgreSQL (cluster mode): the same rows as SQLite, with each run's write fenced by its epoch
// and announced on NOTIFY sopstate_events ('<runId>:<lastSeq>') in the same statement.
import pg from 'pg';
import type { InspectionRecord } from '../inspect/record.ts';
import type { RunEvent, RunStatus } from '../events/run-event.ts';
import type { CreatedOnce, IdempotencyKey, IdempotentRequest } from './idempotency-store.ts';
import { migratePostgres } from './postgres-schema.ts';
import {
  EventSequenceError,
  type NewRun,
  type Page,
  type RunFilter,
  type RunRecord,
  type RunRow,
  toRecord,
  type RunRecordWithSnapshot,
} from './run-store.ts';
import type { RunClaim, RunWrite, Store } from './store.ts';

export const EVENTS_CHANNEL = 'sopstate_events';

const RUN_COLUMNS =
  'id, workflow_id, workflow_file, workflow_hash, inputs, status, created_at, updated_at, last_seq, resume_attempts';

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The WHERE clause of a filtered runs page, with its parameters from $1. */
const filterClause = (filter: RunFilter): { where: string; values: string[] } => {
  const conditions: string[] = [];
  const values: string[] = [];
  if (filter.workflowId) conditions.push(`workflow_id = $${values.push(filter.workflowId)}`);
  if (filter.status) conditions.push(`status = $${values.push(filter.status)}`);
  if (filter.search) {
    const at = values.push(likePattern(filter.search));
    // LIKE in SQLite is case-insensitive for ASCII; ILIKE keeps the two stores alike.
    conditions.push(`(id ILIKE $${at} ESCAPE '\\' OR inputs ILIKE $${at} ESCAPE '\\')`);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', values };
};

const withSnapshot = (row: RunRow): RunRecordWithSnapshot => ({
  ...toRecord(row),
  snapshot: row.snapshot ? (JSON.parse(row.snapshot) as unknown) : undefined,
  resumeAttempts: row.resume_attempts,
});

const finalStatus = (events: RunEvent[]): RunStatus | null => {
  const last = events.at(-1);
  return last && (last.type === 'run.completed' || last.type === 'run.failed') ? last.status : null;
};

// One statement: the fenced run update, the events selected from it (no row, no insert), and the NOTIFY.
const WRITE_RUN = `
  WITH advanced AS (
    UPDATE runs SET last_seq = $4, status = COALESCE($5, status), snapshot = COALESCE($6, snapshot), updated_at = $7
    WHERE id = $1 AND epoch = $2 AND last_seq = $3
    RETURNING id
  ), inserted AS (
    INSERT INTO events (run_id, seq, type, json)
    SELECT $1, e.seq, e.type, e.json FROM advanced, unnest($8::int[], $9::text[], $10::text[]) AS e (seq, type, json)
    RETURNING 1
  ), notified AS (
    SELECT pg_notify('${EVENTS_CHANNEL}', $1 || ':' || $4) FROM advanced WHERE cardinality($8::int[]) > 0
  )
  SELECT (SELECT count(*) FROM advanced)::int AS advanced, (SELECT count(*) FROM notified)::int AS notified`;

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    return this.#insertRun(this.pool, run);
  }

  async createRunOnce(run: NewRun, key: IdempotencyKey): Promise<CreatedOnce> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const created = await this.#insertRun(client, run);
      // A second request with the key waits here for the first one's transaction, then finds its key.
      const kept = await client.query(
        `INSERT INTO run_idempotency_keys (key, request_hash, run_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO NOTHING`,
        [key.key, key.requestHash, run.id, created.createdAt],
      );
      if (kept.rowCount === 1) {
        await client.query('COMMIT');
        return { created };
      }
      await client.query('ROLLBACK');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const earlier = await this.findIdempotentRun(key.key);
    if (!earlier) throw new Error(`Idempotency-Key ${key.key} was taken and then given up; send the request again`);
    return { earlier };
  }

  async findIdempotentRun(key: string): Promise<IdempotentRequest | undefined> {
    const { rows } = await this.pool.query<{ request_hash: string; run_id: string }>(
      'SELECT request_hash, run_id FROM run_idempotency_keys WHERE key = $1',
      [key],
    );
    return rows[0] && { requestHash: rows[0].request_hash, runId: rows[0].run_id };
  }

  async getRun(runId: string): Promise<RunRecordWithSnapshot | undefined> {
    const { rows } = await this.pool.query<RunRow>(`SELECT ${RUN_COLUMNS}, snapshot FROM runs WHERE id = $1`, [runId]);
    return rows[0] ? withSnapshot(rows[0]) : undefined;
  }

  async listRuns(limit: number, offset: number, filter: RunFilter = {}): Promise<Page<RunRecord>> {
    const { where, values } = filterClause(filter);
    const at = values.length;
    const [page, count] = await Promise.all([
      this.pool.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT $${at + 1} OFFSET $${at + 2}`,
        [...values, limit, offset],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs ${where}`, values),
    ]);
    return { items: page.rows.map(toRecord), total: count.rows[0]?.n ?? 0, limit, offset };
  }

  async eventsAfter(runId: string, afterSeq: number, limit = 1000): Promise<RunEvent[]> {
    const { rows } = await this.pool.query<{ json: string }>(
      'SELECT json FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [runId, afterSeq, Math.min(limit, 2 ** 31 - 1)],
    );
    return rows.map((row) => JSON.parse(row.json) as RunEvent);
  }

  async runningRuns(): Promise<RunRecordWithSnapshot[]> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT ${RUN_COLUMNS}, snapshot FROM runs WHERE status = 'RUNNING' ORDER BY created_at`,
    );
    return rows.map(withSnapshot);
  }

  async countResumeAttempt(runId: string): Promise<void> {
    await this.pool.query('UPDATE runs SET resume_attempts = resume_attempts + 1 WHERE id = $1', [runId]);
  }

  async resetResumeAttempts(runId: string): Promise<void> {
    await this.pool.query('UPDATE runs SET resume_attempts = 0 WHERE id = $1', [runId]);
  }

  async claimRun(runId: string, owner: string): Promise<RunClaim | undefined> {
    const { rows } = await this.pool.query<{ epoch: number; last_seq: number; snapshot: string | null }>(
      `UPDATE runs SET epoch = epoch + 1, owner = $2, updated_at = $3 WHERE id = $1 AND status = 'RUNNING'
       RETURNING epoch, last_seq, snapshot`,
      [runId, owner, new Date().toISOString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      epoch: row.epoch,
      lastSeq: row.last_seq,
      snapshot: row.snapshot ? (JSON.parse(row.snapshot) as unknown) : undefined,
    };
  }

  async writeRun(runId: string, epoch: number, write: RunWrite): Promise<boolean> {
    const first = write.events[0]?.seq;
    const last = write.events.at(-1)?.seq;
    const previous = first === undefined ? undefined : first - 1;
    const current = await this.#position(runId);
    if (!current) throw new Error(`unknown run ${runId}`);
    if (current.epoch !== epoch) return false;
    if (previous !== undefined && previous !== current.last_seq)
      throw new EventSequenceError(runId, current.last_seq + 1, previous + 1);
    const from = previous ?? current.last_seq;
    const { rows } = await this.pool.query<{ advanced: number }>(WRITE_RUN, [
      runId,
      epoch,
      from,
      last ?? from,
      finalStatus(write.events),
      write.snapshot === undefined ? null : JSON.stringify(write.snapshot),
      write.events.at(-1)?.at ?? new Date().toISOString(),
      write.events.map((event) => event.seq),
      write.events.map((event) => event.type),
      write.events.map((event) => JSON.stringify(event)),
    ]);
    if (rows[0]?.advanced === 1) return true;
    // Lost between the check and the write: either a takeover (fenced) or a concurrent append by the same epoch.
    const now = await this.#position(runId);
    if (now && now.epoch === epoch) throw new EventSequenceError(runId, now.last_seq + 1, from + 1);
    return false;
  }

  async appendInspection(records: InspectionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.pool.query(
      `INSERT INTO inspection_records (run_id, seq, type, json)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [
        records.map((r) => r.runId),
        records.map((r) => r.seq),
        records.map((r) => r.type),
        records.map((r) => JSON.stringify(r)),
      ],
    );
  }

  async inspectionAfter(runId: string, afterSeq: number, limit = 1000): Promise<InspectionRecord[]> {
    const { rows } = await this.pool.query<{ json: string }>(
      'SELECT json FROM inspection_records WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [runId, afterSeq, Math.min(limit, 2 ** 31 - 1)],
    );
    return rows.map((row) => JSON.parse(row.json) as InspectionRecord);
  }

  async inspectionLastSeq(runId: string): Promise<number> {
    const { rows } = await this.pool.query<{ last: number | null }>(
      'SELECT max(seq) AS last FROM inspection_records WHERE run_id = $1',
      [runId],
    );
    return rows[0]?.last ?? 0;
  }

  async putOsoplog(runId: string, yaml: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO osoplogs (run_id, yaml, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (run_id) DO UPDATE SET yaml = excluded.yaml`,
      [runId, yaml, new Date().toISOString()],
    );
  }

  async getOsoplog(runId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ yaml: string }>('SELECT yaml FROM osoplogs WHERE run_id = $1', [runId]);
    return rows[0]?.yaml;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async #insertRun(db: pg.Pool | pg.PoolClient, run: NewRun): Promise<RunRecord> {
    const now = new Date().toISOString();
    await db.query(
      `INSERT INTO runs (id, workflow_id, workflow_file, workflow_hash, inputs, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6, $6)`,
      [run.id, run.workflowId, run.workflowFile, run.workflowHash ?? null, JSON.stringify(run.inputs), now],
    );
    return { ...run, status: 'RUNNING', createdAt: now, updatedAt: now, lastSeq: 0 };
  }

  async #position(runId: string): Promise<{ epoch: number; last_seq: number } | undefined> {
    const { rows } = await this.pool.query<{ epoch: number; last_seq: number }>(
      'SELECT epoch, last_seq FROM runs WHERE id = $1',
      [runId],
    );
    return rows[0];
  }
}

export { isPostgresUrl } from './database-url.ts';

/** A transaction whose client sent nothing for this long is ended by the server, when the opener sets no bound. */
const IDLE_TRANSACTION_TIMEOUT_MS = 60_000;

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /**
   * How long the server keeps a transaction open while its client sends nothing (default 60 s). A process frozen or
   * stalled inside a transaction holds its locks until then: a cluster node passes its heartbeat timeout, so a node
   * the others count as dead no longer holds locks they need (the recovery sweep's, a run's row).
   */
  idleTransactionTimeoutMs?: number;
  /** Where a connection's failure outside any query is told (the server's log); a pool without one would crash. */
  onError?: (error: Error) => void;
}

/** Connects to the database at `url` and applies the cluster's migrations. */
export const openPostgresStore = async (url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> => {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idle_in_transaction_session_timeout: options.idleTransactionTimeoutMs ?? IDLE_TRANSACTION_TIMEOUT_MS,
  });
  // An idle connection the server ended (a restart, the timeout above): pg drops it from the pool and emits this.
  pool.on('error', (error) => options.onError?.(error));
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresStore(pool);
};
