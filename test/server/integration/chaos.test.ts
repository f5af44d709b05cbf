// Chaos: 100 seed runs on `sopstate serve` against the Stripe emulator in its own process, with random 500 / 429 /
// slow / dropped-connection faults before and after Stripe acts, and the server SIGKILLed and restarted on its
// SQLite database three times. No customer is charged twice, no run is lost, none is left unfinished.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StripeState } from '../../../src/sandbox/stripe/types.ts';
import { baseEnv, startSandboxProcess, startServeProcess, type Child } from './processes.ts';
import { EXAMPLES, SEED_ID } from './real-server.ts';

const RUNS = 100;
const BATCHES = 4;
const KILLS = 3;

const children: Child[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sopstate-chaos-'));
afterAll(async () => {
  for (const child of children) await child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** A seeded generator, so a failing run can be replayed (the seed is in the test name). */
const SEED = Number(process.env.CHAOS_SEED ?? 12);
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const PATHS = [
  { method: 'POST', path: '/v1/customers' },
  { method: 'POST', path: '/v1/payment_intents' },
  { method: 'POST', path: '/v1/payment_intents/:id/confirm' },
  { method: 'POST', path: '/v1/payment_intents/:id/confirm' },
  { method: 'GET', path: '/v1/payment_intents/:id' },
] as const;

const randomFault = () => {
  const where = pick(PATHS);
  const when = pick(['before', 'after'] as const);
  const kind = pick(['server_error', 'server_error', 'rate_limit', 'delay', 'reset', 'reset'] as const);
  if (kind === 'delay') return { ...where, type: kind, ms: 50 + Math.floor(random() * 600), when };
  if (kind === 'rate_limit') return { ...where, type: kind, retryAfter: 0, when: 'before' };
  return { ...where, type: kind, when };
};

const json = async <T>(url: string, init?: RequestInit): Promise<T> => (await (await fetch(url, init)).json()) as T;
const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunBody {
  status: string;
  nodes: Record<string, { status: string; outputs?: Record<string, unknown> }>;
}

describe(`chaos (seed ${SEED}): ${RUNS} seed runs, random Stripe faults, ${KILLS} SIGKILLs of the server`, () => {
  it('charges no customer twice, loses no run, and leaves none unfinished', async () => {
    const sandbox = await startSandboxProcess();
    children.push(sandbox.child);
    const stripe = sandbox.stripeUrl;
    const env = { ...baseEnv(), STRIPE_API_BASE: stripe, ANTHROPIC_BASE_URL: sandbox.anthropicUrl };
    const args = ['--workflows', EXAMPLES, '--db', join(dir, 'runs.db'), '--port', '0'];
    let server = await startServeProcess(args, env);
    children.push(server.child);

    const runIds: string[] = [];
    for (let batch = 0; batch < BATCHES; batch++) {
      await fetch(`${stripe}/__sandbox/faults`, postJson(Array.from({ length: 20 }, randomFault)));
      for (let i = 0; i < RUNS / BATCHES; i++) {
        const response = await fetch(`${server.url}/api/runs`, postJson({ workflow: SEED_ID }));
        expect(response.status).toBe(201);
        runIds.push(((await response.json()) as { runId: string }).runId);
      }
      if (batch < KILLS) {
        await pause(200 + Math.floor(random() * 1500));
        await server.child.kill('SIGKILL');
        server = await startServeProcess(args, env);
        children.push(server.child);
      }
    }

    const deadline = Date.now() + 90_000;
    let runs: RunBody[] = [];
    for (;;) {
      runs = await Promise.all(runIds.map((id) => json<RunBody>(`${server.url}/api/runs/${id}`)));
      const unfinished = runs.filter((run) => run.status === 'RUNNING').length;
      if (unfinished === 0 || Date.now() > deadline) break;
      await pause(1000);
    }
    expect(
      runs.filter((run) => run.status === undefined),
      'runs the server no longer knows',
    ).toEqual([]);
    expect(
      runs.map((run) => run.status).filter((status) => status === 'RUNNING'),
      'runs left unfinished',
    ).toEqual([]);

    const state = await json<StripeState>(`${stripe}/__sandbox/state`);
    const succeededBy = new Map<string, number>();
    for (const intent of state.paymentIntents) {
      if (intent.status !== 'succeeded') continue;
      const customer = String(intent.customer);
      succeededBy.set(customer, (succeededBy.get(customer) ?? 0) + 1);
    }
    const chargedTwice = [...succeededBy].filter(([, count]) => count > 1);
    expect(chargedTwice, 'customers with two succeeded payment intents').toEqual([]);
    for (const run of runs.filter((each) => each.status === 'COMPLETED')) {
      const customer = String(run.nodes.create_customer?.outputs?.customer_id);
      expect(succeededBy.get(customer), `the customer of a COMPLETED run (${customer}) was charged once`).toBe(1);
    }
    expect(runs.filter((run) => run.status === 'COMPLETED').length).toBeGreaterThan(RUNS / 2);
  }, 200_000);
});
