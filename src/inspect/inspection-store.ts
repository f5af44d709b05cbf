// Inspection records per run in the server's SQLite database, next to the run's events (append-only).
import type { Database } from 'better-sqlite3';
import type { Migration } from '../store/migrations.ts';
import type { InspectionRecord } from './record.ts';

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

export class InspectionStore {
  readonly #insert;
  readonly #after;
  readonly #last;

  constructor(db: Database) {
    this.#insert = db.prepare<[string, number, string, string]>('INSERT INTO inspection_records (run_id, seq, type, json) VALUES (?, ?, ?, ?)');
    this.#after = db.prepare<[string, number, number], { json: string }>(
      'SELECT json FROM inspection_records WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.#last = db.prepare<[string], { last: number | null }>('SELECT MAX(seq) AS last FROM inspection_records WHERE run_id = ?');
  }

  append(record: InspectionRecord): void {
    this.#insert.run(record.runId, record.seq, record.type, JSON.stringify(record));
  }

  /** Records with seq > afterSeq, in order; at most `limit`. */
  after(runId: string, afterSeq: number, limit = 1000): InspectionRecord[] {
    return this.#after.all(runId, afterSeq, limit).map((row) => JSON.parse(row.json) as InspectionRecord);
  }

  /** seq of the run's last record; 0 when it has none. */
  lastSeq(runId: string): number {
    return this.#last.get(runId)?.last ?? 0;
  }
}
