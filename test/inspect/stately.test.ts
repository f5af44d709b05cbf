// `sopstate run --inspect`: online, the run reaches Stately's inspector through the local relay, redacted; offline, one line and the run is unchanged.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStatelyInspector } from '../../src/inspect/stately.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { seedRunner, SEED_FILE, type SeedRunner } from './seed-run.ts';

const CANARY = 'canary-7d0e5b1a-never-sent';
// The relay's own WebSocket library (a dependency of @statelyai/inspect), as a browser page would connect.
const { WebSocket: NodeWebSocket } = createRequire(import.meta.url)('ws') as {
  WebSocket: new (url: string) => WebSocket;
};

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let tries = 0; tries < 250 && !check(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

let seed: SeedRunner;
beforeAll(async () => {
  seed = await seedRunner();
});
afterAll(() => seed?.close());

describe('the Stately inspector session', () => {
  it('online: a page connected to the relay receives every node actor and the finished machine, with no secret in it', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const secrets = { ...seed.secrets, CANARY_TOKEN: CANARY };
    const session = startStatelyInspector({
      secrets,
      port,
      reachable: async () => true,
      log: (line) => lines.push(line),
    });
    const result = await seed.run({ secrets, env: { CANARY_TOKEN: CANARY }, inspect: session.inspect });
    expect(result.status).toBe('COMPLETED');
    expect(await session.status).toEqual({ online: true, url: `http://localhost:${port}` });
    expect(lines).toEqual([`inspect: open http://localhost:${port} to watch this run in Stately's inspector`]);

    const page = new NodeWebSocket(`ws://localhost:${port}`);
    const received: Array<{
      type: string;
      name?: string;
      sessionId: string;
      snapshot?: { status?: string; value?: unknown };
    }> = [];
    const raw: string[] = [];
    page.onmessage = (message) => {
      raw.push(String(message.data));
      received.push(JSON.parse(String(message.data)));
    };
    const machineDone = () =>
      received.some((event) => event.type === '@xstate.snapshot' && event.snapshot?.value === 'COMPLETED');
    await until(machineDone, 'the finished machine snapshot');
    page.close();
    await session.finish(async () => {
      lines.push('quit');
    });

    const actorNames = received.filter((event) => event.type === '@xstate.actor').map((event) => event.name);
    expect(actorNames).toEqual(['sop-stripe-payment', ...seed.workflow.nodes.map((node) => node.id)]);
    const text = raw.join('\n');
    expect(text).toContain('[secret CANARY_TOKEN]');
    expect(text).not.toContain(CANARY);
    for (const value of Object.values(seed.secrets)) expect(text).not.toContain(value);
    expect(lines.at(-1)).toBe('quit');
  });

  it('offline: one line saying why, nothing relayed, the run completes as usual', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const session = startStatelyInspector({
      port,
      reachable: async () => 'getaddrinfo ENOTFOUND stately.ai',
      log: (line) => lines.push(line),
    });
    const result = await seed.run({ inspect: session.inspect });
    expect(result.status).toBe('COMPLETED');
    let quitAsked = false;
    await session.finish(async () => {
      quitAsked = true;
    });
    expect(quitAsked).toBe(false);
    expect(lines).toEqual([
      "inspect: Stately's inspector is not available: https://stately.ai/inspect is unreachable (getaddrinfo ENOTFOUND stately.ai); the run goes on without it (sopstate serve has an offline Inspector view)",
    ]);
    // Nothing listens on the relay port.
    await expect(fetch(`http://localhost:${port}`)).rejects.toThrow();
  });
});

const cli = promisify(execFile);
const NO_KEYS = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(STRIPE_|ANTHROPIC_)/.test(name)),
) as NodeJS.ProcessEnv;

async function sopstateRun(extra: string[]) {
  const logDir = await mkdtemp(join(tmpdir(), 'run-inspect-'));
  // A closed port stands in for "no network", whether or not this machine has one.
  const env = { ...NO_KEYS, SOPSTATE_INSPECTOR_URL: 'http://127.0.0.1:9/inspect' };
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'run', SEED_FILE, '--json', '--log-dir', logDir, ...extra];
  const result = await cli(process.execPath, args, { env }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );
  const events = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent);
  return { ...result, events };
}

describe('sopstate run --inspect with no network', () => {
  it('completes the seed in the sandbox, prints one line on stderr about the inspector, and nothing else changes', async () => {
    const [plain, inspected] = await Promise.all([sopstateRun([]), sopstateRun(['--inspect'])]);
    expect(inspected.code).toBe(0);
    expect(inspected.code).toBe(plain.code);
    const shape = (events: RunEvent[]) =>
      events.map((event) => ('node' in event ? `${event.type} ${event.node}` : event.type));
    expect(shape(inspected.events)).toEqual(shape(plain.events));
    const extra = inspected.stderr.split('\n').filter((line) => !plain.stderr.split('\n').includes(line));
    expect(extra).toEqual([
      expect.stringMatching(
        /^inspect: Stately's inspector is not available: http:\/\/127\.0\.0\.1:9\/inspect is unreachable \(.+\); the run goes on without it/,
      ),
    ]);
  });
});
