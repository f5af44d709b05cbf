// Chaos on a cluster: three `sopstate serve` nodes on one PostgreSQL, the emulators in their own process, seed runs
// started across the nodes, one node killed with SIGKILL and one frozen past the heartbeat timeout and then resumed.
// Every run ends COMPLETED exactly once with gapless events, and Stripe saw one customer and one intent per run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import type { StripeState } from '../../../src/sandbox/stripe/types.ts';
import { freshSchema, postgresUnavailable, TEST_PG } from '../../store/support/postgres.ts';
import { waitFor } from '../support/wait.ts';
import { baseEnv, spawnUntil, startSandboxProcess, type Child } from './processes.ts';
import { EXAMPLES, SEED_ID } from './real-server.ts';

const RUNS = 100;
const children: Child[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const child of children) {
    if (child.process.signalCode === null && child.process.exitCode === null) child.process.kill('SIGCONT');
    await child.kill('SIGKILL');
  }
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const json = async <T>(url: string, init?: RequestInit): Promise<T> => (await (await fetch(url, init)).json()) as T;
const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const startNode = async (name: string, db: string, env: NodeJS.ProcessEnv, cwd: string) => {
  const args = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'serve',
    '--workflows',
    EXAMPLES,
    '--db',
    db,
    '--port',
    '0',
    '--node-id',
    name,
    '--concurrency',
    '6',
  ];
  const child = await spawnUntil(args, { ...env, SOPSTATE_CHAT_DIR: cwd }, /sopstate serving .* at http/);
  children.push(child);
  return { child, url: /at (http:\/\/[^\s]+)/.exec(child.line)?.[1] as string };
};

const pgSkip = postgresUnavailable();

describe.skipIf(!TEST_PG)('a cluster of three nodes under kill -9 and a freeze', () => {
  it('finishes every run exactly once, gapless, with no double charge', { timeout: 120_000 }, async () => {
    const schema = await freshSchema(TEST_PG as string);
    cleanups.push(schema.drop);
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-cluster-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sandbox = await startSandboxProcess();
    children.push(sandbox.child);
    const env = { ...baseEnv(), STRIPE_API_BASE: sandbox.stripeUrl, ANTHROPIC_BASE_URL: sandbox.anthropicUrl };
    const nodes = await Promise.all(['a', 'b', 'c'].map((name) => startNode(name, schema.url, env, dir)));

    const runIds: string[] = [];
    // Node b dies and node c freezes at random moments while runs are still being started (on the live nodes).
    const killAt = 20 + Math.floor(Math.random() * 30);
    const freezeAt = killAt + 10 + Math.floor(Math.random() * 20);
    let frozen: Promise<void> | undefined;
    for (let index = 0; index < RUNS; index++) {
      if (index === killAt) await nodes[1].child.kill('SIGKILL');
      if (index === freezeAt) {
        nodes[2].child.process.kill('SIGSTOP');
        // Past the 5 s heartbeat timeout: its runs are taken over; when it wakes, its writes are fenced off.
        frozen = sleep(8000).then(() => void nodes[2].child.process.kill('SIGCONT'));
      }
      const live = index < killAt ? nodes : index < freezeAt ? [nodes[0], nodes[2]] : [nodes[0]];
      const node = live[index % live.length];
      runIds.push((await json<{ runId: string }>(`${node.url}/api/runs`, postJson({ workflow: SEED_ID }))).runId);
    }
    await frozen;

    const survivor = nodes[0].url;
    const statuses = async () =>
      Promise.all(runIds.map(async (id) => (await json<{ status: string }>(`${survivor}/api/runs/${id}`)).status));
    await waitFor(
      async () => ((await statuses()).every((s) => s !== 'RUNNING') ? true : undefined),
      'every run to end',
      9000,
    );
    expect(await statuses()).toEqual(runIds.map(() => 'COMPLETED'));

    const client = new (await import('pg')).default.Client({ connectionString: schema.url });
    await client.connect();
    cleanups.push(() => client.end());
    for (const runId of runIds) {
      const { rows } = await client.query<{ json: string }>('SELECT json FROM events WHERE run_id = $1 ORDER BY seq', [
        runId,
      ]);
      const events = rows.map((row) => JSON.parse(row.json) as RunEvent);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      expect(events.filter((event) => event.type === 'run.completed' || event.type === 'run.failed')).toHaveLength(1);
    }
    // The sweeper noticed the dead node (whether it still held unfinished runs depends on the moment of the kill).
    const sweeps = (nodes[0].child.stderr() + nodes[2].child.stderr())
      .split('\n')
      .filter((line) => line.includes('is silent'));
    expect(sweeps).toContainEqual(expect.stringMatching(/node b-\w+ is silent; \d+ run\(s\) went back on the queue/));
    const stripe = await json<StripeState>(`${sandbox.stripeUrl}/__sandbox/state`);
    expect(stripe.customers).toHaveLength(RUNS);
    expect(stripe.paymentIntents).toHaveLength(RUNS);
  });
});

describe.skipIf(!pgSkip)('the cluster', () => {
  it.skip(`skipped: ${pgSkip}`, () => {});
});
