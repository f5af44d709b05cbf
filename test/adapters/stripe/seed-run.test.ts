// The seed payment SOP end to end: loader → runner → these executors → the emulators (or a recording server).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceExecutors, resolveServiceMode, serviceSecrets } from '../../../src/services/service-endpoints.ts';
import { startRun } from '../../../src/machine/runner.ts';
import type { RunOptions } from '../../../src/machine/run-options.ts';
import { loadWorkflowFile } from '../../../src/osop/load.ts';
import type { Workflow } from '../../../src/osop/workflow.ts';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start.ts';
import { closedPort } from '../support/loopback.ts';
import { startRecordingServer } from '../support/recording-server.ts';
import { osoplogWriter } from '../../../src/store/osoplog-files.ts';
import type { FetchLike } from '../../../src/adapters/api/http.ts';

let sandbox: Sandbox;
let seed: Workflow;
let specDialect: Workflow;
const modes = resolveServiceMode({});

const load = async (file: string): Promise<Workflow> => {
  const { workflow, diagnostics } = await loadWorkflowFile(file);
  if (!workflow) throw new Error(JSON.stringify(diagnostics));
  return workflow;
};

beforeAll(async () => {
  sandbox = await startSandbox();
  seed = await load('examples/stripe-payment-seed.osop.yaml');
  specDialect = await load('examples/stripe-payment.osop.yaml');
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.stripe.reset();
  sandbox.anthropic.reset();
});

const run = (workflow: Workflow, options: Partial<RunOptions> = {}) =>
  startRun({
    workflow,
    executors: createServiceExecutors({ mode: modes, sandbox, env: {} }),
    secrets: serviceSecrets(modes, {}),
    random: () => 0,
    ...options,
  }).done;

type RunResult = Awaited<ReturnType<typeof run>>;

const retriesOf = (result: RunResult, node: string) =>
  result.events.flatMap((event) => (event.type === 'node.retrying' && event.node === node ? [event.error.code] : []));

const receiptText = (result: RunResult) =>
  result.events.flatMap((event) => (event.type === 'agent.delta' ? [event.text] : [])).join('');

const statusOf = (result: RunResult, node: string) =>
  result.events
    .filter((event) => 'node' in event && event.node === node && /^node\.(completed|failed|skipped)$/.test(event.type))
    .at(-1)?.type;

describe('the seed payment SOP in the sandbox', () => {
  it('completes: four Stripe calls, then a streamed receipt', async () => {
    const result = await run(seed);
    expect(result.status).toBe('COMPLETED');
    expect(
      result.events
        .filter((event) => event.type === 'node.request')
        .map((event) => 'url' in event && new URL(event.url).pathname),
    ).toEqual([
      '/v1/customers',
      '/v1/payment_intents',
      expect.stringMatching(/^\/v1\/payment_intents\/pi_\w+\/confirm$/),
      expect.stringMatching(/^\/v1\/payment_intents\/pi_\w+$/),
      '/v1/messages',
    ]);
    const receipt = result.events.flatMap((event) => (event.type === 'agent.delta' ? [event.text] : [])).join('');
    expect(receipt).toBe(result.outputs.send_receipt.text);
    expect(receipt).toContain(String(result.outputs.create_intent.intent_id));
    expect(
      result.events.find((event) => event.type === 'node.completed' && event.node === 'send_receipt'),
    ).toMatchObject({ ai: { provider: 'anthropic' } });
  });

  it('a declined card falls back to a new intent three times, then fails naming card_declined', async () => {
    const result = await run(specDialect, { inputs: { payment_method: 'pm_card_chargeDeclined' } });
    expect(result.status).toBe('FAILED');
    const failed = result.events.find((event) => event.type === 'run.failed');
    expect(failed && 'error' in failed && failed.error.message).toContain('card_declined');
    const intents = sandbox.stripe.state().paymentIntents;
    expect(new Set(intents.map((intent) => intent.id)).size).toBe(3);
    expect(intents.some((intent) => intent.status === 'succeeded')).toBe(false);
  });

  it('a card that needs authentication completes with send_receipt skipped', async () => {
    const result = await run(specDialect, { inputs: { payment_method: 'pm_card_authenticationRequired' } });
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs.check_status.status).toBe('requires_action');
    expect(statusOf(result, 'send_receipt')).toBe('node.skipped');
  });

  it('a lost 500 on confirm is reconciled by reading the intent, and Stripe confirms once', async () => {
    sandbox.stripe.addFault({
      method: 'POST',
      path: '/v1/payment_intents/:id/confirm',
      type: 'server_error',
      when: 'after',
    });
    const result = await run(seed);
    expect(result.status).toBe('COMPLETED');
    const calls = sandbox.stripe.state().calls;
    const confirm = calls.findIndex((call) => call.path.endsWith('/confirm'));
    expect(calls.filter((call) => call.path.endsWith('/confirm')).map((call) => call.status)).toEqual([500]);
    // The retry reads the intent first: it is already succeeded, so the confirm is not sent again.
    expect(calls[confirm + 1]).toMatchObject({
      method: 'GET',
      path: calls[confirm].path.replace(/\/confirm$/, ''),
      status: 200,
    });
    expect(sandbox.stripe.state().confirmations).toHaveLength(1);
  });

  it('a 500 on confirm before Stripe acted is repeated with the same key, and Stripe confirms once', async () => {
    sandbox.stripe.addFault({ method: 'POST', path: '/v1/payment_intents/:id/confirm', type: 'server_error' });
    const result = await run(seed);
    expect(result.status).toBe('COMPLETED');
    const confirms = sandbox.stripe.state().calls.filter((call) => call.path.endsWith('/confirm'));
    expect(confirms.map((call) => call.status)).toEqual([500, 200]);
    expect(new Set(confirms.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(sandbox.stripe.state().confirmations).toHaveLength(1);
  });

  it('a 429 with Retry-After: 1 waits a second before the retry', async () => {
    sandbox.stripe.addFault({
      method: 'POST',
      path: '/v1/payment_intents/:id/confirm',
      type: 'rate_limit',
      retryAfter: 1,
    });
    const result = await run(seed);
    expect(result.status).toBe('COMPLETED');
    expect(result.events.find((event) => event.type === 'node.retrying')).toMatchObject({
      node: 'confirm_payment',
      delayMs: 1000,
    });
  });

  it('the receipt survives what the Claude SDK retries: a connection lost before the reply, then a 529', async () => {
    // The first call dies as a stale keep-alive socket does (undici: "other side closed"); it never reaches Claude.
    let lost = 0;
    const loseFirstClaudeCall: FetchLike = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/v1/messages') && lost++ === 0)
        return Promise.reject(new TypeError('fetch failed', { cause: new Error('other side closed') }));
      return fetch(input, init);
    };
    sandbox.anthropic.addFault({ path: '/v1/messages', type: 'overloaded' });
    const executors = createServiceExecutors({ mode: modes, sandbox, env: {}, fetch: loseFirstClaudeCall });
    const result = await run(seed, { executors });
    expect(result.status).toBe('COMPLETED');
    expect(retriesOf(result, 'send_receipt')).toEqual(['network_error', 'overloaded_error']);
    expect(sandbox.anthropic.state().calls).toHaveLength(2);
    expect(receiptText(result)).toBe(result.outputs.send_receipt?.text);
  });

  it('a Claude stream that fails after its text began is not repeated by default: no text is shown twice', async () => {
    sandbox.anthropic.addFault({ path: '/v1/messages', type: 'stream_error' });
    const result = await run(seed);
    expect(result.status).toBe('FAILED');
    expect(retriesOf(result, 'send_receipt')).toEqual([]);
    expect(sandbox.anthropic.state().calls).toHaveLength(1);
  });

  it('nor is one whose connection is lost after its text began', async () => {
    // The reply arrives up to its second text delta, then the socket dies (what undici reports as "terminated").
    const cutClaudeStreams: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!url.endsWith('/v1/messages')) return response;
      const text = await response.text();
      const cutAt = text.indexOf('event: content_block_delta', text.indexOf('event: content_block_delta') + 1);
      const cut = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, cutAt)));
        },
        pull(controller) {
          controller.error(new TypeError('terminated', { cause: new Error('other side closed') }));
        },
      });
      return new Response(cut, { status: response.status, headers: response.headers });
    };
    const executors = createServiceExecutors({ mode: modes, sandbox, env: {}, fetch: cutClaudeStreams });
    const result = await run(seed, { executors });
    expect(result.status).toBe('FAILED');
    expect(receiptText(result)).not.toBe('');
    expect(retriesOf(result, 'send_receipt')).toEqual([]);
    expect(sandbox.anthropic.state().calls).toHaveLength(1);
  });
});

describe('the seed payment SOP against other Stripe bases', () => {
  it('a recording server as STRIPE_API_BASE receives Stripe’s form encoding for all four calls', async () => {
    const recorder = await startRecordingServer();
    recorder.script(
      { body: { id: 'cus_R' } },
      { body: { id: 'pi_R', client_secret: 'pi_R_secret_1' } },
      { body: { id: 'pi_R' } },
      { body: { id: 'pi_R', status: 'succeeded' } },
    );
    try {
      const executors = createServiceExecutors({ mode: modes, sandbox, env: { STRIPE_API_BASE: recorder.url } });
      const result = await run(seed, { executors });
      expect(result.status).toBe('COMPLETED');
      expect(recorder.requests.map(({ method, url, body }) => `${method} ${url} ${body}`)).toEqual([
        'POST /v1/customers email=user%40example.com&name=John%20Doe',
        'POST /v1/payment_intents amount=2000&currency=usd&customer=cus_R',
        'POST /v1/payment_intents/pi_R/confirm payment_method=pm_card_visa',
        'GET /v1/payment_intents/pi_R ',
      ]);
    } finally {
      await recorder.close();
    }
  });

  it('a live key and an unreachable STRIPE_API_BASE fail cleanly, the key nowhere in events or the .osoplog', async () => {
    const canary = 'sk_test_CANARY_d41d8cd98f00b204';
    const env = { STRIPE_SECRET_KEY: canary, STRIPE_API_BASE: await closedPort() };
    const liveModes = resolveServiceMode(env);
    const logDir = mkdtempSync(join(tmpdir(), 'sopstate-canary-'));
    try {
      const result = await run(seed, {
        executors: createServiceExecutors({ mode: liveModes, sandbox, env }),
        secrets: serviceSecrets(liveModes, env),
        writeRecord: osoplogWriter(logDir),
      });
      expect(result.status).toBe('FAILED');
      const failed = result.events.find((event) => event.type === 'run.failed');
      expect(failed && 'error' in failed && failed.error).toMatchObject({ code: 'network_error' });
      expect(JSON.stringify(result.events)).not.toContain(canary);
      expect(result.osoplogPath).toBeDefined();
      expect(readFileSync(result.osoplogPath!, 'utf8')).not.toContain(canary);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});
