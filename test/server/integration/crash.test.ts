import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import type { StripeState } from '../../../src/sandbox/stripe/types.ts';
import { range, seqs, streamRun, type StreamResult } from '../support/sse-client.ts';
import { waitFor } from '../support/wait.ts';
import { baseEnv, startSandboxProcess, startServeProcess, type Child } from './processes.ts';
import { EXAMPLES, SEED_ID } from './real-server.ts';

const children: Child[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sopstate-crash-'));
afterAll(async () => {
  for (const child of children) await child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const json = async <T>(url: string, init?: RequestInit): Promise<T> => (await (await fetch(url, init)).json()) as T;
const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Crash {
  runId: string;
  /** The payment intent whose confirmation was in flight when the server died. */
  intentId: string;
  before: StreamResult;
  after: StreamResult;
  whole: StreamResult;
  /** Stripe's state once every call it received has been answered. */
  stripe: StripeState;
  restartLine: string;
}

/**
 * Starts the seed on a `sopstate serve` process, SIGKILLs it while the emulator (its own process)
 * sits in a slow confirmation, starts a new server on the same database and follows the run to its end.
 */
const crashMidConfirm = async (options: { confirmMs: number; restartAfterStripeFinished: boolean }): Promise<Crash> => {
  const sandbox = await startSandboxProcess();
  children.push(sandbox.child);
  const stripe = sandbox.stripeUrl;
  await fetch(
    `${stripe}/__sandbox/faults`,
    postJson({
      path: '/v1/payment_intents/:id/confirm',
      method: 'POST',
      type: 'delay',
      ms: options.confirmMs,
      times: 1,
    }),
  );

  const env = { ...baseEnv(), STRIPE_API_BASE: stripe, ANTHROPIC_BASE_URL: sandbox.anthropicUrl };
  const args = ['--workflows', EXAMPLES, '--db', join(dir, `${options.confirmMs}.db`), '--port', '0'];
  const first = await startServeProcess(args, env);
  children.push(first.child);
  const { runId } = await json<{ runId: string }>(`${first.url}/api/runs`, postJson({ workflow: SEED_ID }));
  const before = await streamRun(first.url, runId, {
    stopWhen: (e) => e.type === 'node.request' && e.node === 'confirm_payment',
  });
  // The slow confirmation is inside the emulator once its fault has been taken.
  await waitFor(
    async () =>
      (await json<{ armed: unknown[] }>(`${stripe}/__sandbox/faults`)).armed.length === 0 ? true : undefined,
    'the confirmation to reach Stripe',
  );
  await first.child.kill('SIGKILL');

  const created = before.events.find(
    (e): e is Extract<RunEvent, { type: 'node.completed' }> =>
      e.type === 'node.completed' && e.node === 'create_intent',
  );
  const intentId = created?.outputs.intent_id as string;
  const stripeState = () => json<StripeState>(`${stripe}/__sandbox/state`);
  if (options.restartAfterStripeFinished) {
    await waitFor(
      async () => ((await stripeState()).confirmations.some((c) => c.paymentIntent === intentId) ? true : undefined),
      'Stripe to finish',
      1000,
    );
  }

  const second = await startServeProcess(args, env);
  children.push(second.child);
  const lastSeen = before.events.at(-1)?.seq as number;
  const after = await streamRun(second.url, runId, { lastEventId: lastSeen });
  const whole = await streamRun(second.url, runId);
  const settled = await waitFor(
    async () => {
      const state = await stripeState();
      return state.calls.every((call) => call.status !== 0) ? state : undefined;
    },
    'Stripe to answer every call',
    2000,
  );
  return { runId, intentId, before, after, whole, stripe: settled, restartLine: second.child.line };
};

const succeededIntents = (crash: Crash) =>
  crash.stripe.paymentIntents.filter((pi) => pi.status === 'succeeded').map((pi) => pi.id);

describe('a server killed with SIGKILL in the middle of a Stripe confirmation', () => {
  it('resumes the run on restart, and Stripe confirmed the payment exactly once', async () => {
    const crash = await crashMidConfirm({ confirmMs: 3000, restartAfterStripeFinished: true });
    expect(crash.intentId).toMatch(/^pi_/);
    expect(crash.restartLine).toContain('1 unfinished run(s) resumed');
    const lastSeen = crash.before.events.at(-1)?.seq as number;
    expect(crash.after.events[0]?.seq).toBe(lastSeen + 1);
    expect(crash.after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(seqs(crash.whole)).toEqual(range(1, crash.whole.events.length));
    expect(crash.whole.events.filter((e) => e.type === 'run.started')).toHaveLength(1);

    const confirmations = crash.stripe.confirmations.filter((c) => c.paymentIntent === crash.intentId);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0].outcome).toBe('succeeded');
    const confirmCalls = crash.stripe.calls.filter(
      (call) => call.method === 'POST' && call.path.endsWith(`/${crash.intentId}/confirm`),
    );
    // The confirm's request was stored before it left, so the resumed visit read the intent first, found it
    // succeeded and did not confirm again.
    expect(confirmCalls).toHaveLength(1);
    const resumedRequests = crash.after.events.filter((e) => e.type === 'node.request' && e.node === 'confirm_payment');
    expect(resumedRequests[0]).toMatchObject({
      method: 'GET',
      url: expect.stringMatching(/\/v1\/payment_intents\/pi_\w+$/),
    });
    expect(succeededIntents(crash)).toEqual([crash.intentId]);
  }, 90_000);

  // Restarted while Stripe still processes the first confirmation: the resumed confirm gets 409
  // idempotency_key_in_use and must wait for the original rather than fall back and charge again.
  it('charges once even when restarted while Stripe is still confirming', async () => {
    const crash = await crashMidConfirm({ confirmMs: 8000, restartAfterStripeFinished: false });
    expect(crash.after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(succeededIntents(crash)).toHaveLength(1);
  }, 90_000);
});
