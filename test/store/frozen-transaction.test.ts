// A cluster node frozen (SIGSTOP) inside a store transaction, such as its recovery sweep, held that transaction's
// locks for as long as it stayed frozen: no other node could sweep, so a dead node's runs were never taken over (the
// frozen-node cluster test timed out waiting for it). The store's connections now carry an idle-transaction bound,
// and a session the server ended reaches the woken process as a failed transaction instead of crashing it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, TEST_PG } from './support/postgres.ts';
import { ROOT } from '../server/integration/processes.ts';

const IDLE_TRANSACTION_TIMEOUT_MS = 1000;
const pgSkip = postgresUnavailable();
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

describe.skipIf(!TEST_PG)('a process frozen inside a store transaction', () => {
  it(
    'loses its locks once the idle-transaction bound passes, and survives being woken',
    { timeout: 30_000 },
    async () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/store/support/frozen-transaction.ts',
          TEST_PG as string,
          String(IDLE_TRANSACTION_TIMEOUT_MS),
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      cleanups.push(() => child.kill('SIGKILL'));
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const lines: string[] = [];
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      const locked = new Promise<void>((done) =>
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (line === 'locked') done();
        }),
      );
      await Promise.race([locked, exited.then(() => Promise.reject(new Error(`the child exited:\n${stderr}`)))]);
      child.kill('SIGSTOP');
      const frozenAt = Date.now();

      // Another node's sweep: it takes the lock only once the frozen one's transaction is gone.
      const other = new pg.Client({ connectionString: TEST_PG });
      await other.connect();
      cleanups.push(() => void other.end());
      let takenAfterMs: number | undefined;
      while (Date.now() - frozenAt < 10_000) {
        const { rows } = await other.query<{ locked: boolean }>(
          "SELECT pg_try_advisory_lock(hashtext('sopstate-recovery')) AS locked",
        );
        if (rows[0].locked) {
          takenAfterMs = Date.now() - frozenAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await other.query("SELECT pg_advisory_unlock(hashtext('sopstate-recovery'))");
      child.kill('SIGCONT');
      expect(takenAfterMs, 'the lock was still held 10 s after the process froze').toBeDefined();

      expect(await exited, stderr).toBe(0);
      expect(lines[1]).toMatch(/^transaction failed: /);
      expect(lines).toContain('pool answers 1');
    },
  );
});

describe.skipIf(!pgSkip)('a process frozen inside a store transaction', () => {
  it.skip(`skipped: ${pgSkip}`, () => {});
});
