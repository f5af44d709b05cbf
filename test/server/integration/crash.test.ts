import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/machine/run-event.ts';
import type { StripeState } from '../../../src/sandbox/stripe/types.ts';
import { range, seqs, streamRun } from '../support/sse-client.ts';
import { waitFor } from '../support/wait.ts';
import { baseEnv, startSandboxProcess, startServeProcess, type Child } from './processes.ts';
import { EXAMPLES, SEED_ID } from './real-server.ts';

const children: Child[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sopstate-crash-'));
afterAll(async () => {
  for (const child of children) await child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const CONFIRM = '/v1/payment_intents/:id/confirm';

const json = async <T>(url: string, init?: RequestInit): Promise<T> => (await (await fetch(url, init)).json()) as T;

describe('a server killed with SIGKILL in the middle of a Stripe confirmation', () => {
  it('resumes the run on restart, and Stripe confirmed the payment exactly once', async () => {
    const sandbox = await startSandboxProcess();
    children.push(sandbox.child);
    const slowConfirm = { path: CONFIRM, method: 'POST', type: 'delay', ms: 3000, times: 1 };
    await fetch(`${sandbox.stripeUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slowConfirm) });

    const env = { ...baseEnv(), STRIPE_API_BASE: sandbox.stripeUrl, ANTHROPIC_BASE_URL: sandbox.anthropicUrl };
    const args = ['--workflows', EXAMPLES, '--db', join(dir, 'runs.db'), '--port', '0'];
    const first = await startServeProcess(args, env);
    children.push(first.child);

    const started = await json<{ runId: string }>(`${first.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: SEED_ID }),
    });
    const runId = started.runId;
    const before = await streamRun(first.url, runId, {
      stopWhen: (event) => event.type === 'node.request' && event.node === 'confirm_payment',
    });
    // The slow confirmation is inside the emulator once its fault has been taken.
    await waitFor(async () => {
      const { armed } = await json<{ armed: unknown[] }>(`${sandbox.stripeUrl}/__sandbox/faults`);
      return armed.length === 0 ? true : undefined;
    }, 'the confirmation to reach the emulator');
    await first.child.kill('SIGKILL');

    const intent = before.events.find((e): e is Extract<RunEvent, { type: 'node.completed' }> => e.type === 'node.completed' && e.node === 'create_intent');
    const intentId = intent?.outputs.intent_id as string;
    expect(intentId).toMatch(/^pi_/);
    // Stripe finishes what it began, whether or not anyone is still listening.
    await waitFor(async () => {
      const state = await json<StripeState>(`${sandbox.stripeUrl}/__sandbox/state`);
      return state.confirmations.some((c) => c.paymentIntent === intentId) ? true : undefined;
    }, 'the emulator to finish the first confirmation', 1000);

    const second = await startServeProcess(args, env);
    children.push(second.child);
    expect(second.child.line).toContain('1 unfinished run(s) resumed');
    const lastSeen = before.events.at(-1)?.seq as number;
    const after = await streamRun(second.url, runId, { lastEventId: lastSeen });
    expect(after.events[0]?.seq).toBe(lastSeen + 1);
    expect(after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });

    const whole = await streamRun(second.url, runId);
    expect(seqs(whole)).toEqual(range(1, whole.events.length));
    expect(whole.events.filter((e) => e.type === 'run.started')).toHaveLength(1);

    const state = await json<StripeState>(`${sandbox.stripeUrl}/__sandbox/state`);
    const confirmations = state.confirmations.filter((c) => c.paymentIntent === intentId);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0].outcome).toBe('succeeded');
    const confirmCalls = state.calls.filter((call) => call.method === 'POST' && call.path.endsWith(`/${intentId}/confirm`));
    expect(confirmCalls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(confirmCalls.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(confirmCalls.slice(1).every((call) => call.replayed)).toBe(true);
    expect(state.paymentIntents.filter((pi) => pi.status === 'succeeded').map((pi) => pi.id)).toEqual([intentId]);
  }, 90_000);
});
