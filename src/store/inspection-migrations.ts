// Inspection records per run in the server's SQLite database, next to the run's events (append-only).
import type { Migration } from './migrations.ts';

export const inspectionMigrations: readonly Migration[] = [
  {
    id: 'inspect-001-init',
    sql: `
      CREATE TABLE inspection_records (
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TRIGGER inspection_records_append_only_update BEFORE UPDATE ON inspection_records
        BEGIN SELECT RAISE(ABORT, 'inspection records are append-only'); END;
    `,
  },
  {
    // In arrival order, as the run's events (migrations.ts, runs-events-in-order-001 says why).
    id: 'inspect-002-in-order',
    sql: `
      CREATE TABLE inspection_records_in_order (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        json TEXT NOT NULL
      );
      INSERT INTO inspection_records_in_order (run_id, seq, type, json)
        SELECT run_id, seq, type, json FROM inspection_records ORDER BY run_id, seq;
      DROP TABLE inspection_records;
      ALTER TABLE inspection_records_in_order RENAME TO inspection_records;
      CREATE UNIQUE INDEX inspection_records_run_seq ON inspection_records (run_id, seq);
      CREATE TRIGGER inspection_records_append_only_update BEFORE UPDATE ON inspection_records
        BEGIN SELECT RAISE(ABORT, 'inspection records are append-only'); END;
    `,
  },
];
