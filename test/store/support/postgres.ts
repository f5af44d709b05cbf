// The throwaway PostgreSQL the Postgres tests use (SOPSTATE_TEST_PG, started by scripts/ci-postgres.sh in CI).
// In CI a missing URL is a failure, never a skip; locally the Postgres tests are skipped with a message.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const TEST_PG = process.env.SOPSTATE_TEST_PG?.trim() || undefined;
const IN_CI = process.env.CI === 'true';

export const postgresUnavailable = (): string | undefined => {
  if (TEST_PG) return undefined;
  const why = 'SOPSTATE_TEST_PG is not set (source scripts/ci-postgres.sh to start a throwaway PostgreSQL)';
  if (IN_CI) throw new Error(`${why}: Postgres tests must run in CI`);
  process.stderr.write(`skipping the PostgreSQL tests: ${why}\n`);
  return why;
};

/** A fresh schema on the test database; the URL given back puts every connection in it (DBOS's: `<schema>_dbos`). */
export const freshSchema = async (url: string): Promise<{ url: string; drop: () => Promise<void> }> => {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_dbos CASCADE`);
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
};
