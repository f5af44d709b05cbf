// Run placement and recovery through DBOS Transact: a run is the DBOS workflow `sopstateRun` whose id is the run id,
// on queue `runs` with per-node concurrency, so any node may start it and the first free node drives it.
// Open-source DBOS only recovers its own executor's workflows, so finding dead nodes is ours: each node heartbeats
// into `nodes`; a sweeper holding an advisory lock re-queues a silent node's PENDING workflows and deletes its row
// in one transaction (deleting first would lose the runs if the sweeper itself died in between).
import { DBOS } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import { lockMigrations, unlockMigrations } from '../../store/postgres-schema.ts';
import { errorMessage } from '../../util/error-message.ts';

const RUNS_QUEUE = 'runs';
const RECOVERY_LOCK = "hashtext('sopstate-recovery')";

export interface PlacementOptions {
  url: string;
  pool: pg.Pool;
  /** Unique per process start (DBOS executor id). */
  executorId: string;
  /** Runs this node drives at once. */
  concurrency: number;
  /** Drives the run here until it ends or is taken over; resolves with what happened. */
  drive: (runId: string) => Promise<string>;
  heartbeatMs?: number;
  /** A node silent for this long is dead: its runs go back on the queue. */
  heartbeatTimeoutMs?: number;
  log: (line: string) => void;
}

/** DBOS's own tables, created under the same lock as ours: nodes starting together otherwise deadlock. */
export const migrateDbos = async (pool: pg.Pool, url: string): Promise<void> => {
  const client = await pool.connect();
  try {
    await lockMigrations(client);
    await DBOS.migrate(url);
  } finally {
    await unlockMigrations(client);
    client.release();
  }
};

export class DbosPlacement {
  readonly #options: PlacementOptions;
  readonly #workflow: (runId: string) => Promise<string>;
  #timers: NodeJS.Timeout[] = [];
  #sweeping = false;

  constructor(options: PlacementOptions) {
    this.#options = options;
    this.#workflow = DBOS.registerWorkflow(
      async (runId: string) => DBOS.runStep(() => options.drive(runId), { name: 'drive' }),
      { name: 'sopstateRun' },
    );
  }

  async launch(): Promise<void> {
    const { url, executorId, concurrency } = this.#options;
    DBOS.setConfig({
      name: 'sopstate',
      systemDatabaseUrl: url,
      executorID: executorId,
      applicationVersion: 'sopstate-1',
      runAdminServer: false,
      // Migrated above under sopstate's lock; a second, unlocked migration in launch() races the other nodes.
      runMigrations: false,
      logLevel: 'warn',
    });
    await migrateDbos(this.#options.pool, url);
    await this.#heartbeat();
    await DBOS.launch();
    await DBOS.registerQueue(RUNS_QUEUE, { workerConcurrency: concurrency, onConflict: 'always_update' });
    const beat = this.#options.heartbeatMs ?? 1000;
    this.#timers = [
      setInterval(() => void this.#heartbeat().catch((error: unknown) => this.#warn('heartbeat', error)), beat),
      setInterval(() => void this.#sweep().catch((error: unknown) => this.#warn('sweep', error)), beat * 2),
    ];
  }

  /** Puts the run on the queue; a repeated start of the same run id is a no-op. */
  async enqueue(runId: string): Promise<void> {
    await DBOS.startWorkflow(this.#workflow, { workflowID: runId, queueName: RUNS_QUEUE })(runId);
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await DBOS.shutdown();
    await this.#options.pool
      .query('DELETE FROM nodes WHERE executor_id = $1', [this.#options.executorId])
      .catch(() => undefined);
  }

  async #heartbeat(): Promise<void> {
    await this.#options.pool.query(
      `INSERT INTO nodes (executor_id, heartbeat_at) VALUES ($1, now())
       ON CONFLICT (executor_id) DO UPDATE SET heartbeat_at = now()`,
      [this.#options.executorId],
    );
  }

  async #sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      const locked = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(${RECOVERY_LOCK}) AS locked`,
      );
      if (!locked.rows[0]?.locked) return void (await client.query('COMMIT'));
      const timeoutMs = this.#options.heartbeatTimeoutMs ?? 5000;
      const dead = await client.query<{ executor_id: string }>(
        `SELECT executor_id FROM nodes WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
         AND executor_id <> $2 FOR UPDATE SKIP LOCKED`,
        [timeoutMs, this.#options.executorId],
      );
      for (const { executor_id: executorId } of dead.rows) {
        const pending = await DBOS.listWorkflows({ status: 'PENDING', executorId });
        const ids = pending.map((workflow) => workflow.workflowID);
        if (ids.length > 0) await DBOS.resumeWorkflows(ids, { queueName: RUNS_QUEUE });
        await client.query('DELETE FROM nodes WHERE executor_id = $1', [executorId]);
        this.#options.log(`cluster: node ${executorId} is silent; ${ids.length} run(s) went back on the queue`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
      this.#sweeping = false;
    }
  }

  #warn(what: string, error: unknown): void {
    this.#options.log(`cluster: ${what} failed (${errorMessage(error)})`);
  }
}
