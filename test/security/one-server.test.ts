// Issue 13, point 7: a second server on the same SQLite file would adopt the first one's live runs; it must refuse.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError } from '../../src/store/database-lock.ts';
import { startFakeServer, type FakeServer } from '../server/support/fake-server.ts';
import { baseEnv, ROOT, spawnUntil } from '../server/integration/processes.ts';

const dirs: string[] = [];
const servers: FakeServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-lock-'));
  dirs.push(dir);
  return dir;
};

describe('one database, one server', () => {
  it('a second server on the same database refuses to start, naming the holder and what to do', async () => {
    const dir = scratch();
    servers.push(await startFakeServer({ dir }));
    const second = startFakeServer({ dir });
    await expect(second).rejects.toThrow(DatabaseLockedError);
    await expect(second).rejects.toThrow(
      new RegExp(`in use by another sopstate server \\(pid ${process.pid}\\).*--db`),
    );
  });

  it('`sopstate serve` on a database another process holds exits 2 with that message', async () => {
    const dir = scratch();
    const server = await startFakeServer({ dir });
    servers.push(server);
    const result = spawnSync(
      process.execPath,
      ['bin/sopstate.js', 'serve', '--db', server.dbFile, '--port', '0', '--sandbox'],
      {
        cwd: ROOT,
        env: baseEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/runs\.db is in use by another sopstate server \(pid \d+\)/);
  });

  it("`sopstate serve` with the default database starts where no .sopstate/ exists yet (a fresh clone's npm start)", async () => {
    const dir = scratch();
    const args = [join(ROOT, 'bin/sopstate.js'), 'serve', '--workflows', join(ROOT, 'examples'), '--port', '0'];
    const child = await spawnUntil([...args, '--sandbox'], baseEnv(), /sopstate serving .* at http/, dir);
    try {
      const url = /at (http:\/\/[^\s]+)/.exec(child.line)?.[1] as string;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(existsSync(join(dir, '.sopstate', 'sopstate.db.lock'))).toBe(true);
    } finally {
      await child.kill('SIGTERM');
    }
    expect(existsSync(join(dir, '.sopstate', 'sopstate.db'))).toBe(true);
  });

  it('takes over the lock of a server that died, and frees it on a clean stop', async () => {
    const dir = scratch();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'runs.db.lock'), `${dead.stdout}\n`);
    const server = await startFakeServer({ dir });
    expect((await server.api('/healthz')).status).toBe(200);
    await server.close();
    expect(existsSync(join(dir, 'runs.db.lock'))).toBe(false);
    servers.push(await startFakeServer({ dir }));
  });
});
