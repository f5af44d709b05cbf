// The cluster's tables on PostgreSQL, applied once under an advisory lock so nodes starting together do not race.
import type { Pool, PoolClient } from 'pg';
import type { Migration } from './migrations.ts';

const postgresMigrations: readonly Migration[] = [
  {
    id: 'pg-runs-001-init',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_file TEXT NOT NULL,
        workflow_hash TEXT,
        inputs TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        snapshot TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        epoch INTEGER NOT NULL DEFAULT 0,
        owner TEXT
      );
      CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
      CREATE INDEX runs_status ON runs (status);
      CREATE TABLE events (
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE inspection_records (
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE osoplogs (
        run_id TEXT PRIMARY KEY REFERENCES runs (id),
        yaml TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE FUNCTION sopstate_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION sopstate_append_only();
    `,
  },
  {
    // Decisions and cancels sent to any node, kept until the node driving the run has delivered them.
    id: 'pg-runs-002-signals',
    sql: `
      CREATE TABLE signals (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        kind TEXT NOT NULL,
        node TEXT,
        decision TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      );
      CREATE INDEX signals_pending ON signals (run_id) WHERE delivered_at IS NULL;
    `,
  },
  {
    // Each node process (DBOS executor) says it is alive here; the sweeper re-queues the runs of a silent one.
    id: 'pg-runs-003-nodes',
    sql: `
      CREATE TABLE nodes (
        executor_id TEXT PRIMARY KEY,
        heartbeat_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    // Restarts that resumed a run without a clean stop in between (a crash loop fails it).
    id: 'pg-runs-004-resume-attempts',
    sql: 'ALTER TABLE runs ADD COLUMN resume_attempts INTEGER NOT NULL DEFAULT 0;',
  },
  {
    // POST /api/runs with Idempotency-Key: the key is taken with its run's row, so one key starts one run cluster-wide.
    id: 'pg-runs-005-idempotency-keys',
    sql: `
      CREATE TABLE run_idempotency_keys (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (id),
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    // The chat's conversations, so a conversation started on one node continues on any other.
    id: 'pg-chat-001-init',
    sql: `
      CREATE TABLE chat_conversations (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        pending TEXT
      );
      CREATE TABLE chat_messages (
        conversation_id TEXT NOT NULL REFERENCES chat_conversations (id),
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE TABLE chat_runs (
        conversation_id TEXT NOT NULL REFERENCES chat_conversations (id),
        run_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, run_id)
      );
    `,
  },
];

const MIGRATION_LOCK = "hashtext('sopstate-migrate')";

/**
 * Takes the migration lock by polling, never by a blocking pg_advisory_lock: a session blocked in that call is
 * an open transaction, and DBOS's CREATE INDEX CONCURRENTLY under the lock waits for every open transaction, so
 * nodes starting together would wait on each other forever.
 */
export const lockMigrations = async (client: PoolClient): Promise<void> => {
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${MIGRATION_LOCK}) AS locked`,
    );
    if (rows[0]?.locked) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export const unlockMigrations = async (client: PoolClient): Promise<void> => {
  await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => undefined);
};

/** Applies the migrations not yet recorded; returns the ids applied now. */
export const migratePostgres = async (pool: Pool, migrations = postgresMigrations): Promise<string[]> => {
  const client = await pool.connect();
  try {
    await lockMigrations(client);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied: string[] = [];
    for (const migration of migrations) {
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (done.rowCount) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [
          migration.id,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.id);
    }
    return applied;
  } finally {
    await unlockMigrations(client);
    client.release();
  }
};
