// Opens the SQLite file sopstate keeps its runs in: WAL, foreign keys, migrations applied.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { idempotencyMigrations } from './idempotency-store.ts';
import { migrate, runMigrations, type Migration } from './migrations.ts';

export interface OpenDatabaseOptions {
  /** Extra migrations from other modules (chat...), applied after the run tables. */
  migrations?: readonly Migration[];
  /** Hears each migration about to be applied to a database made by an earlier version (see `migrate`). */
  onUpgrade?: (migrationId: string) => void;
}

export const openDatabase = (file: string, options: OpenDatabaseOptions = {}): Database => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, [...runMigrations, ...idempotencyMigrations, ...(options.migrations ?? [])], options.onUpgrade);
  return db;
};

export type { Database };
