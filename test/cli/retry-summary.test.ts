// `sopstate retry` against a server run, the end-of-run summary, and request/response bodies in the terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryCommand } from '../../src/cli/commands/retry.ts';
import { createEventPrinter } from '../../src/cli/print-events.ts';
import { summarizeRun } from '../../src/cli/run-summary.ts';
import type { RunEvent, RunEventBody } from '../../src/events/run-event.ts';
import { startSandboxServer, type SandboxServer } from '../chat/support/sandbox-server.ts';

let server: SandboxServer;
beforeAll(async () => {
  server = await startSandboxServer();
});
afterAll(async () => {
  await server?.cleanup();
});

const stamp = (bodies: RunEventBody[]): RunEvent[] =>
  bodies.map((body, index) => ({ ...body, runId: 'r1', seq: index + 1, at: '2026-01-01T00:00:00.000Z' }) as RunEvent);

const finished = async (runId: string): Promise<string> => {
  for (let i = 0; i < 1000; i++) {
    const run = (await (await server.api(`/api/runs/${runId}`)).json()) as { status: string };
    if (run.status !== 'RUNNING') return run.status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the run did not end');
};

describe('sopstate retry', () => {
  it('retries a declined run from confirm_payment with a working card, without a second customer', async () => {
    const email = 'cli-retry@example.com';
    const started = await server.api('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'stripe-payment', inputs: { email, payment_method: 'pm_card_chargeDeclined' } }),
    });
    const { runId } = (await started.json()) as { runId: string };
    expect(await finished(runId)).toBe('FAILED');
    let text = '';
    const code = await retryCommand(
      runId,
      { input: ['payment_method=pm_card_visa'], url: server.url },
      (chunk) => (text += chunk),
    );
    expect(code).toBe(0);
    expect(text).toContain(`retrying run ${runId} from confirm_payment`);
    expect(text).toContain('✔ COMPLETED');
    expect(text).toMatch(/nodes: 3 completed, 0 failed, 0 skipped/);
    expect(text).not.toContain('create_customer [api] started');
    expect(server.sandbox.stripe.state().customers.filter((customer) => customer.email === email)).toHaveLength(1);
  });

  it('types --input like `sopstate run` does: amount=2500 reaches the new run as the number 2500', async () => {
    const started = await server.api('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workflow: 'stripe-payment',
        inputs: { email: 'cli-retry-typed@example.com', payment_method: 'pm_card_chargeDeclined' },
      }),
    });
    const { runId } = (await started.json()) as { runId: string };
    expect(await finished(runId)).toBe('FAILED');
    let text = '';
    const input = ['payment_method=pm_card_visa', 'amount=2500'];
    expect(await retryCommand(runId, { input, url: server.url, json: true }, (chunk) => (text += chunk))).toBe(0);
    const first = JSON.parse(text.split('\n')[0]) as RunEvent;
    const retried = (await (await server.api(`/api/runs/${first.runId}`)).json()) as {
      inputs: Record<string, unknown>;
    };
    expect(retried.inputs).toMatchObject({ amount: 2500, payment_method: 'pm_card_visa' });
  });

  it('says why when the server refuses', async () => {
    await expect(retryCommand('no-such-run', { input: [], url: server.url }, () => undefined)).rejects.toThrow(
      /no run no-such-run/,
    );
  });
});

describe('terminal run output', () => {
  const events = stamp([
    { type: 'run.started', workflowId: 'pay', workflowName: 'Pay', inputs: {}, dryRun: false },
    { type: 'node.started', node: 'charge', nodeType: 'api', visit: 1, attempt: 1 },
    {
      type: 'node.request',
      node: 'charge',
      method: 'POST',
      url: 'http://127.0.0.1:1/v1/payment_intents',
      attempt: 1,
      body: { amount: 2000 },
    },
    { type: 'node.response', node: 'charge', status: 402, durationMs: 12, body: { error: { code: 'card_declined' } } },
    {
      type: 'node.failed',
      node: 'charge',
      visit: 1,
      durationMs: 20,
      error: { message: 'declined', code: 'card_declined' },
    },
    { type: 'node.skipped', node: 'receipt' },
    {
      type: 'run.failed',
      status: 'FAILED',
      durationMs: 2500,
      error: { message: 'declined' },
      osoplog: 'logs/r1.osoplog.yaml',
    },
  ]);

  it('shows the request and response bodies of a 4xx even without --verbose', () => {
    let text = '';
    const print = createEventPrinter({ write: (chunk) => (text += chunk) });
    events.forEach(print);
    expect(text).toContain('sent {"amount":2000}');
    expect(text).toContain('got {"error":{"code":"card_declined"}}');
  });

  it('shows every body with --verbose, none for a 2xx without it', () => {
    const ok = stamp([
      {
        type: 'node.request',
        node: 'c',
        method: 'POST',
        url: 'http://x/v1/customers',
        attempt: 1,
        body: { email: 'a@b.c' },
      },
      { type: 'node.response', node: 'c', status: 200, durationMs: 5, body: { id: 'cus_1' } },
    ]);
    let quiet = '';
    let verbose = '';
    ok.forEach(createEventPrinter({ write: (chunk) => (quiet += chunk) }));
    ok.forEach(createEventPrinter({ write: (chunk) => (verbose += chunk), verbose: true }));
    expect(quiet).not.toContain('cus_1');
    expect(verbose).toContain('sent {"email":"a@b.c"}');
    expect(verbose).toContain('got {"id":"cus_1"}');
  });

  it('ends with a summary: nodes by outcome, Stripe calls, tokens, duration and the record', () => {
    const text = summarizeRun(events);
    expect(text).toContain('nodes: 0 completed, 1 failed, 1 skipped');
    expect(text).toContain('Stripe calls: 1');
    expect(text).toContain('Claude tokens: 0 in, 0 out');
    expect(text).toContain('duration: 2.5s');
    expect(text).toContain('record: logs/r1.osoplog.yaml');
  });
});
