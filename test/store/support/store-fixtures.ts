// What the SQLite store tests share: database files in a temporary folder removed after each test, events with a
// fixed time per seq, and a database as an earlier version left it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { RunEvent, RunEventBody } from '../../../src/events/run-event.ts';
import { migrate } from '../../../src/store/migrations.ts';
import { sqliteStoreMigrations } from '../../../src/store/sqlite-store.ts';

/** Registers the cleanup; the function it returns gives a new database path in a folder of its own. */
export const useTempDbFiles = (prefix: string): (() => string) => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return join(dir, 'runs.db');
  };
};

/** An event of run `runId` with seq `seq`, at second `seq` of 2026-01-01. */
export const eventAt = (runId: string, seq: number, body: RunEventBody): RunEvent =>
  ({ ...body, runId, seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString() }) as RunEvent;

/**
 * A SQLite file as an earlier version left it: every store migration applied but `missing` (the newer ones), open for
 * the test to fill the old tables.
 */
export const olderDatabase = (file: string, missing: readonly string[]): Database => {
  const db = new BetterSqlite3(file);
  migrate(
    db,
    sqliteStoreMigrations.filter((migration) => !missing.includes(migration.id)),
  );
  return db;
};
