// Issue 13, point 6 (crash loop): a run whose resume keeps taking the server down is not resumed forever.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RESUME_ATTEMPTS } from '../../src/server/run-manager.ts';
import { baseEnv, ROOT, startServeProcess, type Child } from '../server/integration/processes.ts';
import { waitFor } from '../server/support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'sopstate-crash-loop-'));
const children: Child[] = [];
afterAll(async () => {
  for (const child of children) await child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const workflows = join(dir, 'workflows');
mkdirSync(workflows);
cpSync(join(ROOT, 'test/web/fixtures/refund-approval.osop.yaml'), join(workflows, 'refund-approval.osop.yaml'));
const args = ['--workflows', workflows, '--db', join(dir, 'runs.db'), '--port', '0', '--sandbox'];

const serve = async () => {
  const server = await startServeProcess(args, baseEnv());
  children.push(server.child);
  return server;
};

interface RunView {
  status: string;
  waiting: string[];
}
const runOf = async (url: string, runId: string): Promise<RunView> =>
  (await (await fetch(`${url}/api/runs/${runId}`)).json()) as RunView;

describe('a run that keeps killing the server', () => {
  it(`is resumed ${DEFAULT_MAX_RESUME_ATTEMPTS} times, then FAILED with the reason instead of resumed again`, async () => {
    let server = await serve();
    const started = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'refund-approval' }),
    });
    const { runId } = (await started.json()) as { runId: string };
    await waitFor(
      async () => ((await runOf(server.url, runId)).waiting.includes('review') ? true : undefined),
      'the run to wait',
    );
    for (let resume = 1; resume <= DEFAULT_MAX_RESUME_ATTEMPTS; resume++) {
      await server.child.kill('SIGKILL');
      server = await serve();
      expect(server.child.line, `restart ${resume}`).toContain('1 unfinished run(s) resumed');
      expect((await runOf(server.url, runId)).status).toBe('RUNNING');
    }
    await server.child.kill('SIGKILL');
    server = await serve();
    expect(server.child.line).not.toContain('resumed');
    const run = (await runOf(server.url, runId)) as RunView & { error?: { code: string; message: string } };
    expect(run.status).toBe('FAILED');
    expect(run.error?.code).toBe('resume_limit');
    expect(run.error?.message).toMatch(/resumed 3 times and the server stopped each time before the run ended/);
  }, 120_000);
});
