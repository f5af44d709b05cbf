// `sopstate chat` with scripted stdin: in its own server, and against a running one with --url.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/server/chat/chat-event.ts';
import { startSandboxServer, type SandboxServer } from './support/sandbox-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const chat = (args: string[], stdin: string, cwd: string): Promise<Outcome> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/sopstate.js'), 'chat', ...args], {
      cwd,
      env: { ...process.env, STRIPE_SECRET_KEY: '', ANTHROPIC_API_KEY: '', SOPSTATE_TOKEN: '', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });

let cwd: string;
let server: SandboxServer;
const TOKEN = 'cli-chat-token';

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'sopstate-chat-cli-'));
  server = await startSandboxServer({ token: TOKEN });
});
afterAll(async () => {
  await server?.cleanup();
  rmSync(cwd, { recursive: true, force: true });
});

describe('sopstate chat', () => {
  it('asks before charging, then starts and watches the run live after "yes"', async () => {
    const { code, stdout } = await chat(
      ['--workflows', join(ROOT, 'examples')],
      'Charge john@example.com $25 for the pro plan\nyes\n',
      cwd,
    );
    expect(code).toBe(0);
    const asked = stdout.indexOf(
      'needs your confirmation: Run Stripe payment (stripe-payment) — charge 25.00 USD to john@example.com',
    );
    const started = stdout.indexOf('● create_customer');
    expect(asked).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(asked);
    expect(stdout).toContain('✔ send_receipt completed');
    expect(stdout).toContain('- Email: john@example.com');
    expect(stdout).toMatch(/✔ COMPLETED/);
    expect(stdout).toMatch(/finished: COMPLETED/);
  });

  it('talks to a running server with --url and --token, one JSON event per line with --json', async () => {
    const { code, stdout } = await chat(
      ['--url', server.url, '--token', TOKEN, '--json'],
      'Charge ann@example.com $7 for the mini plan\nyes\n',
      cwd,
    );
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ChatEvent);
    const types = events.map((event) => event.type);
    expect(types.indexOf('confirm.required')).toBeLessThan(types.indexOf('run.started'));
    const last = events.filter((event) => event.type === 'run.event').at(-1) as Extract<
      ChatEvent,
      { type: 'run.event' }
    >;
    expect(last.event).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const confirm = events.find((event) => event.type === 'confirm.required');
    expect(confirm).toMatchObject({ amount: 700, currency: 'usd', email: 'ann@example.com' });
  });

  it('a missing token is a clear error and exit code 2', async () => {
    const { code, stderr } = await chat(['--url', server.url], 'hello\n', cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('401');
    expect(stderr).toContain('--token');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a --url that is not a URL is a usage error', async () => {
    const { code, stderr } = await chat(['--url', 'nowhere'], '', cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('--url nowhere is not a URL');
  });
});
