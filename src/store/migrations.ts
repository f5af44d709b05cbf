// Schema migrations keyed by name, so each module (runs, chat...) can bring its own on the same database.
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Unique and stable, e.g. `runs-001-init`. Applied once, in the order given. */
  id: string;
  sql: string;
}

const ensureLedger = (db: Database): void => {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`);
};

/**
 * Applies the migrations not yet recorded, each in its own transaction; returns the ids applied now. `onUpgrade` hears
 * each one before it runs on a database that already had migrations (a new database's first ones are not news), as
 * some rewrite a table and take a while on a big file.
 */
export const migrate = (
  db: Database,
  migrations: readonly Migration[],
  onUpgrade?: (migrationId: string) => void,
): string[] => {
  ensureLedger(db);
  const isApplied = db.prepare<[string], { id: string }>('SELECT id FROM schema_migrations WHERE id = ?');
  const record = db.prepare<[string, string]>('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const upgrading = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM schema_migrations').get()!.n > 0;
  const applied: string[] = [];
  for (const migration of migrations) {
    if (isApplied.get(migration.id)) continue;
    if (upgrading) onUpgrade?.(migration.id);
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, new Date().toISOString());
    })();
    applied.push(migration.id);
  }
  return applied;
};

export const runMigrations: readonly Migration[] = [
  {
    id: 'runs-001-init',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_file TEXT NOT NULL,
        inputs TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        snapshot TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
      CREATE INDEX runs_status ON runs (status);
      CREATE TABLE events (
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `,
  },
  {
    id: 'runs-resume-attempts-001',
    sql: 'ALTER TABLE runs ADD COLUMN resume_attempts INTEGER NOT NULL DEFAULT 0',
  },
  {
    // Events in the order they arrive (a rowid table), no longer clustered by (run_id, seq): the events of the runs
    // one commit writes fill the same last page, and an event up to ~4 KB stays in its row, where a WITHOUT ROWID
    // row over ~1 KB spilled into overflow pages of its own. A third fewer pages written and kept per run.
    id: 'runs-events-in-order-001',
    sql: `
      CREATE TABLE events_in_order (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        json TEXT NOT NULL
      );
      INSERT INTO events_in_order (run_id, seq, type, json) SELECT run_id, seq, type, json FROM events ORDER BY run_id, seq;
      DROP TABLE events;
      ALTER TABLE events_in_order RENAME TO events;
      CREATE UNIQUE INDEX events_run_seq ON events (run_id, seq);
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `,
  },
];
