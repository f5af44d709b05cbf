// Run placement and recovery through DBOS Transact: a run is the DBOS workflow `sopstateRun` whose id is the run id,
// on queue `runs`, so any node may start it and the first free node drives it.
// Open-source DBOS only recovers its own executor's workflows, so finding dead nodes is ours: each node heartbeats
// into `nodes`; a sweeper holding an advisory lock re-queues a silent node's PENDING workflows and deletes its row
// in one transaction (deleting first would lose the runs if the sweeper itself died in between).
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { lockMigrations, unlockMigrations } from '../../store/postgres-schema.ts';
import { inTransaction } from '../../store/postgres-transaction.ts';
import { errorMessage } from '../../util/error-message.ts';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from './heartbeat-timeout.ts';

const RUNS_QUEUE = 'runs';
const RECOVERY_LOCK = "hashtext('sopstate-recovery')";
/** What DBOS sets on each of its connections: a transaction left open this long is ended by the server. */
const IDLE_TRANSACTION_TIMEOUT_MS = 60_000;
const DBOS_POOL_SIZE = 10;

export interface PlacementOptions {
  url: string;
  pool: pg.Pool;
  /** Unique per process start (DBOS executor id). */
  executorId: string;
  /**
   * Runs a node drives at once. DBOS keeps one such limit per queue, shared by every node (the last node started
   * sets it); 0 makes this node one that serves the API and streams but drives nothing (the limit is left alone).
   */
  concurrency: number;
  /** Drives the run here until it ends or is taken over; resolves with what happened. */
  drive: (runId: string) => Promise<string>;
  heartbeatMs?: number;
  /** A node silent for this long is dead: its runs go back on the queue. */
  heartbeatTimeoutMs?: number;
  log: (line: string) => void;
}

/**
 * The schema DBOS keeps its tables in: `dbos` next to sopstate's tables in `public`, else `<schema>_dbos`, so two
 * clusters on one database (each in its own schema through the URL's search_path) never share a queue.
 */
const dbosSchemaFor = async (pool: pg.Pool): Promise<string> => {
  const { rows } = await pool.query<{ schema: string }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema ?? 'public';
  return schema === 'public' ? 'dbos' : `${schema}_dbos`;
};

/** DBOS's own tables, created under the same lock as ours: nodes starting together otherwise deadlock. */
export const migrateDbos = async (pool: pg.Pool, url: string): Promise<string> => {
  const schemaName = await dbosSchemaFor(pool);
  const client = await pool.connect();
  try {
    await lockMigrations(client);
    await DBOS.migrate(url, { schemaName });
  } finally {
    await unlockMigrations(client);
    client.release();
  }
  return schemaName;
};

export class DbosPlacement {
  readonly #options: PlacementOptions;
  readonly #workflow: (runId: string) => Promise<string>;
  /**
   * DBOS's connections. Ours rather than DBOS's own pool: that one sets the idle-transaction timeout by a query it
   * queues on each new connection ahead of the borrower's (pg warns "client.query() while already executing");
   * here it is a connection parameter.
   */
  readonly #dbosPool: pg.Pool;
  #timers: NodeJS.Timeout[] = [];
  #sweeping: Promise<void> | undefined;

  constructor(options: PlacementOptions) {
    this.#options = options;
    this.#dbosPool = new pg.Pool({
      connectionString: options.url,
      max: DBOS_POOL_SIZE,
      idle_in_transaction_session_timeout: IDLE_TRANSACTION_TIMEOUT_MS,
      application_name: `dbos_transact_${options.executorId}`,
    });
    this.#dbosPool.on('error', (error) => this.#warn('a DBOS connection', error));
    this.#workflow = DBOS.registerWorkflow(
      async (runId: string) => DBOS.runStep(() => options.drive(runId), { name: 'drive' }),
      { name: 'sopstateRun' },
    );
  }

  async launch(): Promise<void> {
    const { url, executorId, concurrency } = this.#options;
    const schemaName = await migrateDbos(this.#options.pool, url);
    DBOS.setConfig({
      name: 'sopstate',
      systemDatabaseUrl: url,
      systemDatabasePool: this.#dbosPool,
      systemDatabaseSchemaName: schemaName,
      executorID: executorId,
      applicationVersion: 'sopstate-1',
      runAdminServer: false,
      // Migrated above under sopstate's lock; a second, unlocked migration in launch() races the other nodes.
      runMigrations: false,
      // A node that drives nothing does not poll the queue at all.
      ...(concurrency === 0 ? { listenQueues: [] } : {}),
      logLevel: 'warn',
    });
    await this.#heartbeat();
    await DBOS.launch();
    if (concurrency > 0) await this.#registerQueue(concurrency);
    const beat = this.#options.heartbeatMs ?? Math.min(1000, Math.floor(this.#timeoutMs() / 3));
    this.#timers = [
      setInterval(() => void this.#heartbeat().catch((error: unknown) => this.#warn('heartbeat', error)), beat),
      setInterval(() => void this.#sweep().catch((error: unknown) => this.#warn('sweep', error)), beat * 2),
    ];
  }

  /** Puts the run on the queue; a repeated start of the same run id is a no-op. */
  async enqueue(runId: string): Promise<void> {
    await DBOS.startWorkflow(this.#workflow, { workflowID: runId, queueName: RUNS_QUEUE })(runId);
  }

  /**
   * Stops placing runs here. The node's row is marked silent rather than deleted: the runs it still held stay
   * PENDING under its executor id, and the next sweep by any node (or by this node's successor) re-queues them.
   */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await this.#sweeping?.catch(() => undefined);
    await DBOS.shutdown();
    await this.#options.pool
      .query("UPDATE nodes SET heartbeat_at = '-infinity' WHERE executor_id = $1", [this.#options.executorId])
      .catch(() => undefined);
    await this.#dbosPool.end();
  }

  /** One sweep at a time (the timer runs one every two heartbeats). */
  #sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #registerQueue(concurrency: number): Promise<void> {
    const before = (await DBOS.listQueues()).find((queue) => queue.name === RUNS_QUEUE)?.workerConcurrency;
    await DBOS.registerQueue(RUNS_QUEUE, { workerConcurrency: concurrency, onConflict: 'always_update' });
    if (before !== undefined && before !== concurrency) {
      this.#options.log(
        `cluster: every node now drives at most ${concurrency} run(s) at once (it was ${before}): ` +
          'DBOS keeps one per-node limit for the queue, set by the last node started',
      );
    }
  }

  #timeoutMs(): number {
    return this.#options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  }

  async #heartbeat(): Promise<void> {
    await this.#options.pool.query(
      `INSERT INTO nodes (executor_id, heartbeat_at) VALUES ($1, now())
       ON CONFLICT (executor_id) DO UPDATE SET heartbeat_at = now()`,
      [this.#options.executorId],
    );
  }

  /**
   * Inside one transaction holding the recovery lock (a second sweeper skips this round) and each silent node's
   * row (FOR UPDATE): re-queue the node's PENDING workflows, then delete its row; the commit makes the deletion
   * final. DBOS commits the re-queue on its own connection before the row goes, so a sweeper that dies in between
   * leaves the row for the next sweep, which finds only what is still PENDING under that executor: nothing twice.
   */
  async #sweepOnce(): Promise<void> {
    await inTransaction(this.#options.pool, async (client) => {
      const locked = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(${RECOVERY_LOCK}) AS locked`,
      );
      if (!locked.rows[0]?.locked) return;
      const dead = await client.query<{ executor_id: string }>(
        `SELECT executor_id FROM nodes WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
         AND executor_id <> $2 FOR UPDATE SKIP LOCKED`,
        [this.#timeoutMs(), this.#options.executorId],
      );
      for (const { executor_id: executorId } of dead.rows) {
        const pending = await DBOS.listWorkflows({ status: 'PENDING', executorId });
        const ids = pending.map((workflow) => workflow.workflowID);
        if (ids.length > 0) await DBOS.resumeWorkflows(ids, { queueName: RUNS_QUEUE });
        await client.query('DELETE FROM nodes WHERE executor_id = $1', [executorId]);
        this.#options.log(`cluster: node ${executorId} is silent; ${ids.length} run(s) went back on the queue`);
      }
    });
  }

  #warn(what: string, error: unknown): void {
    this.#options.log(`cluster: ${what} failed (${errorMessage(error)})`);
  }
}
