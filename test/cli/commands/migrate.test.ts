// `sopstate migrate --db <file>` on SQLite: says what it applied to a database an earlier version made.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/store/migrations.ts';
import { sqliteStoreMigrations } from '../../../src/store/sqlite-store.ts';
import { sopstate } from '../support/sopstate-cli.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sopstate migrate on a SQLite file', () => {
  it('names each migration it applies to an older database, then says it is up to date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-migrate-'));
    dirs.push(dir);
    const file = join(dir, 'runs.db');
    const older = new BetterSqlite3(file);
    migrate(
      older,
      sqliteStoreMigrations.filter((migration) => migration.id !== 'runs-events-in-order-001'),
    );
    older.close();

    const first = sopstate(['migrate', '--db', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `sopstate migrate: applying runs-events-in-order-001 to ${file}\nsopstate migrate: ${file} is up to date (applied 1)\n`,
    );
    const again = sopstate(['migrate', '--db', file]);
    expect(again.stdout).toBe(`sopstate migrate: ${file} is up to date\n`);
  });
});
