// `sopstate migrate --db <file>` on SQLite: says what it applied to a database an earlier version made.
import { describe, expect, it } from 'vitest';
import { sopstate } from '../support/sopstate-cli.ts';
import { olderDatabase, useTempDbFiles } from '../../store/support/store-fixtures.ts';

const tempDb = useTempDbFiles('sopstate-migrate-');

describe('sopstate migrate on a SQLite file', () => {
  it('names each migration it applies to an older database, then says it is up to date', () => {
    const file = tempDb();
    olderDatabase(file, ['runs-events-in-order-001']).close();

    const first = sopstate(['migrate', '--db', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `sopstate migrate: applying runs-events-in-order-001 to ${file}\nsopstate migrate: ${file} is up to date (applied 1)\n`,
    );
    const again = sopstate(['migrate', '--db', file]);
    expect(again.stdout).toBe(`sopstate migrate: ${file} is up to date\n`);
  });
});
