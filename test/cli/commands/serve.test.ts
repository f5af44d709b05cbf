import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { baseEnv, startServeProcess, ROOT, type Child } from '../../server/integration/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'sopstate-serve-cli-'));
const children: Child[] = [];
afterAll(async () => {
  for (const child of children) await child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const serve = async (args: string[], env: NodeJS.ProcessEnv = baseEnv()) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/sopstate.js', 'serve', ...args], {
      cwd: ROOT,
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('sopstate serve', () => {
  it('refuses --host 0.0.0.0 without SOPSTATE_TOKEN, exit 2, saying what to do', async () => {
    const result = await serve(['--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'a.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SOPSTATE_TOKEN');
    expect(result.stderr).toContain('--host 127.0.0.1');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 40_000);

  it('refuses a workflow folder that does not exist, exit 2', async () => {
    const result = await serve(['--workflows', join(dir, 'nope'), '--port', '0', '--db', join(dir, 'b.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a folder');
  }, 40_000);

  it('with SOPSTATE_TOKEN, answers 401 without it and 200 with it, and prints where it listens', async () => {
    const env = {
      ...baseEnv(),
      SOPSTATE_TOKEN: 'cli-token',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    };
    const server = await startServeProcess(['--workflows', 'examples', '--port', '0', '--db', join(dir, 'c.db')], env);
    children.push(server.child);
    expect((await fetch(`${server.url}/api/workflows`)).status).toBe(401);
    const ok = await fetch(`${server.url}/api/workflows`, { headers: { authorization: 'Bearer cli-token' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { workflows: unknown[] }).workflows.length).toBeGreaterThan(0);
  }, 40_000);
});
