// Issue 12's ambiguous confirm with a SIGKILL in the middle: the resumed run goes on repeating the same confirm, never a fallback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StripeState } from '../../../src/sandbox/stripe/types.ts';
import { streamRun } from '../support/sse-client.ts';
import { baseEnv, startSandboxProcess, startServeProcess, type Child } from './processes.ts';
import { EXAMPLES, SEED_ID } from './real-server.ts';

const children: Child[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sopstate-ambiguous-'));
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

describe('an ambiguous confirm, and the server SIGKILLed while it is being repeated', () => {
  it('ends with exactly one succeeded payment intent, and no fallback was taken', async () => {
    const sandbox = await startSandboxProcess();
    children.push(sandbox.child);
    const stripe = sandbox.stripeUrl;
    await fetch(
      `${stripe}/__sandbox/faults`,
      postJson([
        { path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' },
        { path: '/v1/payment_intents/:id/confirm', type: 'server_error', times: 5 },
        // Enough 500s that retries started afresh after the restart would run out and fall back (the old behaviour);
        // the first reading of the intent fails too, so the confirm is really repeated before the crash.
        { path: '/v1/payment_intents/:id', method: 'GET', type: 'server_error', times: 1 },
      ]),
    );
    const env = { ...baseEnv(), STRIPE_API_BASE: stripe, ANTHROPIC_BASE_URL: sandbox.anthropicUrl };
    const args = ['--workflows', EXAMPLES, '--db', join(dir, 'runs.db'), '--port', '0'];
    const first = await startServeProcess(args, env);
    children.push(first.child);
    const { runId } = await json<{ runId: string }>(`${first.url}/api/runs`, postJson({ workflow: SEED_ID }));
    const retried = (event: { type: string; node?: string; attempt?: number }) =>
      event.type === 'node.retrying' && event.node === 'confirm_payment' && event.attempt === 3;
    await streamRun(first.url, runId, { stopWhen: retried });
    await first.child.kill('SIGKILL');

    const second = await startServeProcess(args, env);
    children.push(second.child);
    const whole = await streamRun(second.url, runId);
    expect(whole.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(whole.events.filter((event) => event.type === 'edge.taken' && event.mode === 'fallback')).toEqual([]);
    const state = await json<StripeState>(`${stripe}/__sandbox/state`);
    expect(state.paymentIntents.filter((intent) => intent.status === 'succeeded')).toHaveLength(1);
    expect(state.paymentIntents).toHaveLength(1);
    const confirms = state.calls.filter((call) => call.path.endsWith('/confirm'));
    expect(new Set(confirms.map((call) => call.idempotencyKey)).size).toBe(1);
  }, 90_000);
});
