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
];
