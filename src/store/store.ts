// The one durable store the server talks to, async so PostgreSQL (cluster) and SQLite (one machine) share it.
// Ownership is fenced: a node claims a run by bumping its epoch, and every write names that epoch; a write
// under an older epoch changes nothing and reports `false` (the run was taken over: stop, write nothing more).
import type { RunEvent } from '../events/run-event.ts';
import type { InspectionRecord } from '../inspect/record.ts';
import type { CreatedOnce, IdempotencyKey, IdempotentRequest } from './idempotency-store.ts';
import type { NewRun, Page, RunFilter, RunRecord, RunRecordWithSnapshot } from './run-store.ts';

export interface RunClaim {
  /** The epoch every later write of this owner must name. */
  epoch: number;
  lastSeq: number;
  snapshot?: unknown;
}

/** What one flush of a run's write-behind queue stores: consecutive events, and the latest snapshot. */
export interface RunWrite {
  events: RunEvent[];
  snapshot?: unknown;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  createRun(run: NewRun): Promise<RunRecord>;
  /**
   * Creates the run and keeps its Idempotency-Key in one transaction. When the key is already kept (another request
   * with it won, on any node) nothing is created and what the key holds is given back.
   */
  createRunOnce(run: NewRun, key: IdempotencyKey): Promise<CreatedOnce>;
  /** What an Idempotency-Key holds: the run it started and the hash of the request it came with. */
  findIdempotentRun(key: string): Promise<IdempotentRequest | undefined>;
  getRun(runId: string): Promise<RunRecordWithSnapshot | undefined>;
  /** Newest first, narrowed by `filter` (workflow, status, text in the run id or an input value). */
  listRuns(limit: number, offset: number, filter?: RunFilter): Promise<Page<RunRecord>>;
  /** Events with seq > afterSeq, in order; at most `limit`. */
  eventsAfter(runId: string, afterSeq: number, limit?: number): Promise<RunEvent[]>;
  /** Unfinished runs, oldest first, with their snapshots and resume attempts. */
  runningRuns(): Promise<RunRecordWithSnapshot[]>;
  /** Counts one more restart that resumed this run (kept until a clean stop resets it). */
  countResumeAttempt(runId: string): Promise<void>;
  /** The run was live when its server stopped cleanly: it did not take the process down. */
  resetResumeAttempts(runId: string): Promise<void>;
  /** Takes the run over for `owner` (bumps its epoch); undefined when no such run is RUNNING. */
  claimRun(runId: string, owner: string): Promise<RunClaim | undefined>;
  /**
   * Appends events (seq following the stored last seq; a final event sets the status) and the snapshot,
   * all or nothing, if `epoch` still owns the run. false: ownership lost, nothing was written.
   */
  writeRun(runId: string, epoch: number, write: RunWrite): Promise<boolean>;
  /**
   * Commits now the writes writeRun queued so far, for a store that gathers the writes of a turn into one commit
   * (SQLite); without it each write commits on its own.
   */
  commitQueuedWrites?(): void;
  appendInspection(records: InspectionRecord[]): Promise<void>;
  inspectionAfter(runId: string, afterSeq: number, limit?: number): Promise<InspectionRecord[]>;
  /** seq of the run's last inspection record; 0 when it has none. */
  inspectionLastSeq(runId: string): Promise<number>;
  /** Keeps the finished run's `.osoplog` text, so any node can serve it. */
  putOsoplog(runId: string, yaml: string): Promise<void>;
  getOsoplog(runId: string): Promise<string | undefined>;
  close(): Promise<void>;
}
