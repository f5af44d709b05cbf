// `sopstate migrate --db postgres://…`: creates or updates the cluster's tables (nodes also do this when they start).
import type { Command } from 'commander';
import { isPostgresUrl } from '../../store/database-url.ts';

interface MigrateFlags {
  db?: string;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or update the tables of a sopstate database (PostgreSQL for a cluster, or a SQLite file)')
    .option('--db <url|file>', 'postgres://… (default: DATABASE_URL) or a SQLite file')
    .action(async (flags: MigrateFlags) => {
      const target = flags.db ?? process.env.DATABASE_URL;
      if (!target) {
        process.stderr.write('sopstate migrate: give --db postgres://user@host/db (or set DATABASE_URL)\n');
        process.exit(2);
      }
      if (!isPostgresUrl(target)) {
        const { openSqliteStore } = await import('../../store/sqlite-store.ts');
        const applied: string[] = [];
        await openSqliteStore(target, [], (id) => {
          applied.push(id);
          process.stdout.write(`sopstate migrate: applying ${id} to ${target}\n`);
        }).close();
        const count = applied.length > 0 ? ` (applied ${applied.length})` : '';
        process.stdout.write(`sopstate migrate: ${target} is up to date${count}\n`);
        return;
      }
      // Loaded here so other commands start without the PostgreSQL driver and DBOS.
      const [{ default: pg }, { migrateDbos }, { migratePostgres }] = await Promise.all([
        import('pg'),
        import('../../server/cluster/dbos-placement.ts'),
        import('../../store/postgres-schema.ts'),
      ]);
      const pool = new pg.Pool({ connectionString: target, max: 1 });
      try {
        const applied = await migratePostgres(pool);
        await migrateDbos(pool, target);
        process.stdout.write(
          `sopstate migrate: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}\n`,
        );
      } catch (error) {
        // The URL may hold a password: say what failed, not where.
        process.stderr.write(`sopstate migrate: could not migrate the database (${(error as Error).message})\n`);
        process.exitCode = 1;
      } finally {
        await pool.end();
      }
    });
}
