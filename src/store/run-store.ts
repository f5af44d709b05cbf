// Durable runs: one row per run, an append-only event log per run, and the latest XState snapshot.
import type { Database } from 'better-sqlite3';
import type { RunEvent, RunStatus } from '../events/run-event.ts';
import { jsonText, rememberJsonText } from '../util/json-text.ts';

export interface NewRun {
  id: string;
  workflowId: string;
  workflowFile: string;
  /** Already redacted by the caller. */
  inputs: Record<string, unknown>;
  /** sha256 of the workflow document the run started with; a resume refuses a changed file. */
  workflowHash?: string;
}

export interface RunRecord extends NewRun {
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
}

export interface RunRecordWithSnapshot extends RunRecord {
  snapshot?: unknown;
  /** Restarts that resumed this run since it last ran under a server that stopped cleanly. */
  resumeAttempts: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Narrows a runs page: one workflow, one status, and/or text found in the run id or an input value. */
export interface RunFilter {
  workflowId?: string;
  status?: RunStatus;
  search?: string;
}

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

export class EventSequenceError extends Error {
  constructor(runId: string, expected: number, got: number) {
    super(`event for run ${runId} has seq ${got}, expected ${expected}`);
    this.name = 'EventSequenceError';
  }
}

/** A `runs` row as both stores read it (`workflow_hash` only where the store keeps it). */
export interface RunRow {
  id: string;
  workflow_id: string;
  workflow_file: string;
  workflow_hash?: string | null;
  inputs: string;
  status: RunStatus;
  created_at: string;
  updated_at: string;
  snapshot?: string | null;
  last_seq: number;
  resume_attempts: number;
}

const RUN_COLUMNS = 'id, workflow_id, workflow_file, inputs, status, created_at, updated_at, last_seq, resume_attempts';

export const toRecord = (row: RunRow): RunRecord => ({
  id: row.id,
  workflowId: row.workflow_id,
  workflowFile: row.workflow_file,
  inputs: JSON.parse(row.inputs) as Record<string, unknown>,
  status: row.status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastSeq: row.last_seq,
  ...(row.workflow_hash ? { workflowHash: row.workflow_hash } : {}),
});

const statusAfter = (event: RunEvent): RunStatus | undefined =>
  event.type === 'run.completed' || event.type === 'run.failed' ? event.status : undefined;

const parseSnapshot = (row: RunRow): unknown =>
  row.snapshot == null ? undefined : (JSON.parse(row.snapshot) as unknown);

export class RunStore {
  readonly #db: Database;
  readonly #statements;
  readonly #append: (event: RunEvent) => void;

  constructor(db: Database) {
    this.#db = db;
    this.#statements = {
      insertRun: db.prepare(
        `INSERT INTO runs (id, workflow_id, workflow_file, inputs, status, created_at, updated_at, last_seq)
         VALUES (@id, @workflowId, @workflowFile, @inputs, 'RUNNING', @now, @now, 0)`,
      ),
      getRun: db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS}, snapshot FROM runs WHERE id = ?`),
      lastSeq: db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM runs WHERE id = ?'),
      insertEvent: db.prepare<[string, number, string, string]>(
        'INSERT INTO events (run_id, seq, type, json) VALUES (?, ?, ?, ?)',
      ),
      advance: db.prepare<[number, string, string | null, string]>(
        'UPDATE runs SET last_seq = ?, updated_at = ?, status = COALESCE(?, status) WHERE id = ?',
      ),
      saveSnapshot: db.prepare<[string, string, string]>('UPDATE runs SET snapshot = ?, updated_at = ? WHERE id = ?'),
      setStatus: db.prepare<[string, string, string]>('UPDATE runs SET status = ?, updated_at = ? WHERE id = ?'),
      list: db.prepare<[number, number], RunRow>(
        `SELECT ${RUN_COLUMNS}, NULL AS snapshot FROM runs ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      ),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM runs'),
      eventsAfter: db.prepare<[string, number, number], { json: string }>(
        'SELECT json FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      countResume: db.prepare<[string]>('UPDATE runs SET resume_attempts = resume_attempts + 1 WHERE id = ?'),
      resetResume: db.prepare<[string]>('UPDATE runs SET resume_attempts = 0 WHERE id = ?'),
      running: db.prepare<[], RunRow>(
        `SELECT ${RUN_COLUMNS}, snapshot FROM runs WHERE status = 'RUNNING' ORDER BY created_at`,
      ),
    };
    this.#append = db.transaction((event: RunEvent) => {
      const current = this.#statements.lastSeq.get(event.runId);
      if (!current) throw new Error(`unknown run ${event.runId}`);
      if (event.seq !== current.last_seq + 1)
        throw new EventSequenceError(event.runId, current.last_seq + 1, event.seq);
      this.#statements.insertEvent.run(event.runId, event.seq, event.type, jsonText(event));
      this.#statements.advance.run(event.seq, event.at, statusAfter(event) ?? null, event.runId);
    });
  }

  createRun(run: NewRun): RunRecord {
    const now = new Date().toISOString();
    this.#statements.insertRun.run({ ...run, inputs: JSON.stringify(run.inputs), now });
    return { ...run, status: 'RUNNING', createdAt: now, updatedAt: now, lastSeq: 0 };
  }

  /** Appends one event and moves the run's last seq (and status, on a final event) in one transaction. */
  appendEvent(event: RunEvent): void {
    this.#append(event);
  }

  saveSnapshot(runId: string, snapshot: unknown): void {
    this.#statements.saveSnapshot.run(JSON.stringify(snapshot), new Date().toISOString(), runId);
  }

  setStatus(runId: string, status: RunStatus): void {
    this.#statements.setStatus.run(status, new Date().toISOString(), runId);
  }

  getRun(runId: string): RunRecordWithSnapshot | undefined {
    const row = this.#statements.getRun.get(runId);
    if (!row) return undefined;
    return { ...toRecord(row), snapshot: parseSnapshot(row), resumeAttempts: row.resume_attempts };
  }

  /** Counts one more restart that resumed this run (kept until a clean stop resets it). */
  countResumeAttempt(runId: string): void {
    this.#statements.countResume.run(runId);
  }

  /** The run was live when the server stopped cleanly: it did not take the process down. */
  resetResumeAttempts(runId: string): void {
    this.#statements.resetResume.run(runId);
  }

  listRuns(limit: number, offset: number, filter: RunFilter = {}): Page<RunRecord> {
    if (!filter.workflowId && !filter.status && !filter.search) {
      const items = this.#statements.list.all(limit, offset).map(toRecord);
      return { items, total: this.#statements.count.get()?.n ?? 0, limit, offset };
    }
    const where: string[] = [];
    const values: Record<string, string> = {};
    if (filter.workflowId) {
      where.push('workflow_id = @workflowId');
      values.workflowId = filter.workflowId;
    }
    if (filter.status) {
      where.push('status = @status');
      values.status = filter.status;
    }
    if (filter.search) {
      where.push("(id LIKE @search ESCAPE '\\' OR inputs LIKE @search ESCAPE '\\')");
      values.search = likePattern(filter.search);
    }
    const clause = `WHERE ${where.join(' AND ')}`;
    const rows = this.#db
      .prepare<Record<string, string | number>, RunRow>(
        `SELECT ${RUN_COLUMNS}, NULL AS snapshot FROM runs ${clause} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...values, limit, offset });
    const total =
      this.#db.prepare<Record<string, string>, { n: number }>(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(values)
        ?.n ?? 0;
    return { items: rows.map(toRecord), total, limit, offset };
  }

  /** Events with seq > afterSeq, in order; at most `limit`. */
  eventsAfter(runId: string, afterSeq: number, limit = 1000): RunEvent[] {
    return this.#statements.eventsAfter.all(runId, afterSeq, limit).map((row) => {
      const event = JSON.parse(row.json) as RunEvent;
      // A replayed event's SSE frame reuses the stored text.
      rememberJsonText(event, row.json);
      return event;
    });
  }

  /** Runs a previous process left RUNNING, oldest first, with their snapshots. */
  runningRuns(): RunRecordWithSnapshot[] {
    return this.#statements.running
      .all()
      .map((row) => ({ ...toRecord(row), snapshot: parseSnapshot(row), resumeAttempts: row.resume_attempts }));
  }

  close(): void {
    this.#db.close();
  }
}
