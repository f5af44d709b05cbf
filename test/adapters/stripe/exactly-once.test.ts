// Money moves once per step: the seed under an ambiguous confirm, and Stripe POSTs from any node id, against the emulators.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceExecutors, resolveServiceMode, serviceSecrets } from '../../../src/services/service-endpoints.ts';
import { startRun } from '../../../src/machine/runner.ts';
import type { RunOptions } from '../../../src/machine/run-options.ts';
import { loadWorkflowFile, loadWorkflowText } from '../../../src/osop/load.ts';
import { schemaValidator } from '../../../src/osop/schema-verdict.ts';
import type { Workflow } from '../../../src/osop/workflow.ts';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start.ts';
import type { StripeFaultRule } from '../../../src/sandbox/start.ts';
import { osoplogWriter } from '../../../src/store/osoplog-files.ts';
import type { RunEvent } from '../../../src/events/run-event.ts';

const SEED_FILE = 'examples/stripe-payment-seed.osop.yaml';
const SEED = readFileSync(SEED_FILE, 'utf8');
let sandbox: Sandbox;
const modes = resolveServiceMode({});

const load = (text: string, file = 'test.osop.yaml'): Workflow => {
  const { workflow, diagnostics } = loadWorkflowText(text, file);
  if (!workflow) throw new Error(JSON.stringify(diagnostics));
  return workflow;
};

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.stripe.reset();
  sandbox.anthropic.reset();
});

/** A run against the sandbox, with no jitter in its retry delays. */
const start = (workflow: Workflow, options: Partial<RunOptions> = {}) =>
  startRun({
    workflow,
    executors: createServiceExecutors({ mode: modes, sandbox, env: {} }),
    secrets: serviceSecrets(modes, {}),
    random: () => 0,
    ...options,
  });
const run = (workflow: Workflow, options: Partial<RunOptions> = {}) => start(workflow, options).done;

const arm = (...rules: StripeFaultRule[]) => rules.forEach((rule) => sandbox.stripe.addFault(rule));
const succeeded = () => sandbox.stripe.state().paymentIntents.filter((intent) => intent.status === 'succeeded');

/** Confirm succeeds at Stripe but answers 500, and the next two retries answer 500 too (issue 12, point 1). */
const AMBIGUOUS_CONFIRM: StripeFaultRule[] = [
  { path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' },
  { path: '/v1/payment_intents/:id/confirm', type: 'server_error', times: 2 },
];

describe('an ambiguous confirm (the charge happened, the answer was a 500)', () => {
  it('charges exactly once: the fallback to a new intent is never taken', async () => {
    arm(...AMBIGUOUS_CONFIRM);
    const result = await run(load(SEED, SEED_FILE));
    expect(succeeded()).toHaveLength(1);
    expect(sandbox.stripe.state().paymentIntents).toHaveLength(1);
    expect(result.events.filter((event) => event.type === 'edge.taken' && event.mode === 'fallback')).toEqual([]);
    expect(result.status).toBe('COMPLETED');
  });
});

const cjkWorkflow = `
osop_version: "1.0"
id: cjk-ids
name: 中文節點
nodes:
  - id: create_customer
    type: api
    runtime:
      method: POST
      url: https://api.stripe.com/v1/customers
      headers: { Authorization: "Bearer \${secrets.STRIPE_SECRET_KEY}" }
      body: { email: "wang@example.com" }
    outputs:
      - customer_id: data.id
  - id: 確認付款
    type: api
    runtime:
      method: POST
      url: https://api.stripe.com/v1/payment_intents
      headers: { Authorization: "Bearer \${secrets.STRIPE_SECRET_KEY}" }
      body: { amount: 500, currency: twd, customer: "\${create_customer.customer_id}", confirm: true, payment_method: pm_card_visa }
edges:
  - { from: create_customer, to: 確認付款 }
`;

describe('a confirm whose connection drops after Stripe acted (a lost response)', () => {
  it('reads the intent, finds it succeeded, and completes without confirming again', async () => {
    arm({ path: '/v1/payment_intents/:id/confirm', type: 'reset', when: 'after' });
    const result = await run(load(SEED, SEED_FILE));
    expect(result.status).toBe('COMPLETED');
    const retry = result.events.find((event) => event.type === 'node.retrying');
    expect(retry).toMatchObject({ node: 'confirm_payment', error: { indeterminate: true } });
    expect(sandbox.stripe.state().confirmations).toHaveLength(1);
    expect(succeeded()).toHaveLength(1);
  });

  it('repeats the confirm with the same key when the connection dropped before Stripe acted', async () => {
    arm({ path: '/v1/payment_intents/:id/confirm', type: 'reset' });
    const result = await run(load(SEED, SEED_FILE));
    expect(result.status).toBe('COMPLETED');
    const confirms = sandbox.stripe.state().calls.filter((call) => call.path.endsWith('/confirm'));
    expect(confirms).toHaveLength(2);
    expect(new Set(confirms.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(succeeded()).toHaveLength(1);
  });
});

describe('a node id outside Latin-1', () => {
  it('makes real Stripe POSTs in the sandbox, each with an ASCII Idempotency-Key', async () => {
    const result = await run(load(cjkWorkflow));
    expect(result.status).toBe('COMPLETED');
    const posts = sandbox.stripe.state().calls.filter((call) => call.method === 'POST');
    expect(posts.map((call) => call.status)).toEqual([200, 200]);
    for (const call of posts) expect(call.idempotencyKey).toMatch(/^[\x21-\x7e]{1,255}$/);
    expect(new Set(posts.map((call) => call.idempotencyKey)).size).toBe(2);
    expect(succeeded()).toHaveLength(1);
  });
});

describe('when Stripe never gives a definite answer', () => {
  it('ends the run "outcome unknown", naming the call and its key, and never falls back', async () => {
    arm({ path: '/v1/payment_intents/:id/confirm', type: 'server_error', times: 1000 });
    const logDir = mkdtempSync(join(tmpdir(), 'sopstate-unknown-'));
    const result = await run(load(SEED, SEED_FILE), { uncertainWindowMs: 1500, writeRecord: osoplogWriter(logDir) });
    expect(result.status).toBe('FAILED');
    const record = parse(readFileSync(result.osoplogPath!, 'utf8')) as Record<string, unknown>;
    rmSync(logDir, { recursive: true, force: true });
    expect(schemaValidator('osoplog')(record)).toBe(true);
    expect(record).toMatchObject({
      status: 'FAILED',
      outcome_unknown: {
        node_id: 'confirm_payment',
        call: expect.stringMatching(/^POST \/v1\/payment_intents\/pi_\w+\/confirm$/),
      },
    });
    expect(String((record.outcome_unknown as { idempotency_key: string }).idempotency_key)).toMatch(
      /:confirm_payment:1$/,
    );
    const failed = result.events.find((event) => event.type === 'run.failed');
    const error = failed?.type === 'run.failed' ? failed.error : undefined;
    expect(error).toMatchObject({ code: 'outcome_unknown', node: 'confirm_payment' });
    expect(error?.message).toMatch(
      /^outcome unknown — reconcile by hand: POST \/v1\/payment_intents\/pi_\w+\/confirm \(Idempotency-Key [^)]+:confirm_payment:1\)/,
    );
    expect(result.events.filter((event) => event.type === 'edge.taken' && event.mode === 'fallback')).toEqual([]);
    const confirms = sandbox.stripe.state().calls.filter((call) => call.path.endsWith('/confirm'));
    expect(confirms.length).toBeGreaterThan(3);
    expect(new Set(confirms.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(sandbox.stripe.state().paymentIntents).toHaveLength(1);
  });

  it('gives up after the window a node sets with retry.outcome_unknown_after', async () => {
    arm({ path: '/v1/payment_intents/:id/confirm', type: 'server_error', times: 1000 });
    const text = SEED.replace(
      '        payment_method: "pm_card_visa"\n',
      '        payment_method: "pm_card_visa"\n    retry: { max_attempts: 2, outcome_unknown_after: "1s" }\n',
    );
    const { workflow, diagnostics } = loadWorkflowText(text, SEED_FILE);
    expect(diagnostics.filter((diagnostic) => diagnostic.message.includes('outcome_unknown_after'))).toEqual([]);
    expect(workflow?.nodes.find((node) => node.id === 'confirm_payment')?.retry?.uncertainWindowMs).toBe(1000);
    const result = await run(workflow!);
    expect(result.status).toBe('FAILED');
    expect(result.events.find((event) => event.type === 'run.failed')).toMatchObject({
      error: { code: 'outcome_unknown' },
    });
    expect(sandbox.stripe.state().paymentIntents).toHaveLength(1);
  });

  it('still takes the fallback after a definite failure (a declined card)', async () => {
    const declined = SEED.replace('payment_method: "pm_card_visa"', 'payment_method: "pm_card_chargeDeclined"');
    const result = await run(load(declined, SEED_FILE));
    expect(result.status).toBe('FAILED');
    expect(
      result.events.filter((event) => event.type === 'edge.taken' && event.mode === 'fallback').length,
    ).toBeGreaterThan(0);
  });
});

const fallbacks = (events: readonly { type: string; mode?: string }[]) =>
  events.filter((event) => event.type === 'edge.taken' && event.mode === 'fallback');

describe('a confirm that took effect, whose repeats are then refused for reasons of their own', () => {
  // The chaos test's double charge: the rate limiter answers before Stripe looks at the key, so its 429 says nothing
  // of the first confirm; ending the visit on it let the fallback confirm a second intent.
  it('keeps repeating through 429s and completes with one charge, never falling back', async () => {
    arm(
      { path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' },
      { path: '/v1/payment_intents/:id', method: 'GET', type: 'server_error', times: 2 },
      { path: '/v1/payment_intents/:id/confirm', type: 'rate_limit', retryAfter: 0, times: 2 },
    );
    const result = await run(load(SEED, SEED_FILE));
    expect(fallbacks(result.events)).toEqual([]);
    expect(sandbox.stripe.state().paymentIntents).toHaveLength(1);
    expect(succeeded()).toHaveLength(1);
    expect(result.status).toBe('COMPLETED');
    const retrying = result.events.filter(
      (event) => event.type === 'node.retrying' && event.node === 'confirm_payment',
    );
    expect(retrying.map((event) => event.type === 'node.retrying' && event.error.indeterminate)).toEqual(
      retrying.map(() => true),
    );
  });

  it('ends "outcome unknown" on a 400 to the repeat: nothing automatic follows', async () => {
    arm(
      { path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' },
      { path: '/v1/payment_intents/:id', method: 'GET', type: 'server_error' },
      { path: '/v1/payment_intents/:id/confirm', type: 'invalid_request' },
    );
    const result = await run(load(SEED, SEED_FILE));
    expect(result.status).toBe('FAILED');
    expect(result.events.find((event) => event.type === 'run.failed')).toMatchObject({
      error: { code: 'outcome_unknown', node: 'confirm_payment' },
    });
    expect(fallbacks(result.events)).toEqual([]);
    expect(sandbox.stripe.state().paymentIntents).toHaveLength(1);
  });

  it('takes the fallback when the repeat is the replayed decline of the first confirm', async () => {
    const declined = SEED.replace('payment_method: "pm_card_visa"', 'payment_method: "pm_card_chargeDeclined"');
    arm({ path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' });
    const result = await run(load(declined, SEED_FILE));
    const replays = sandbox.stripe.state().calls.filter((call) => call.path.endsWith('/confirm') && call.replayed);
    expect(replays.map((call) => call.status)).toContain(402);
    expect(fallbacks(result.events).length).toBeGreaterThan(0);
  });
});

describe('a run resumed while its confirm is being repeated', () => {
  it('continues the same schedule with the same key, and reconciles before anything else', async () => {
    arm(
      { path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' },
      { path: '/v1/payment_intents/:id', method: 'GET', type: 'server_error' },
      { path: '/v1/payment_intents/:id/confirm', type: 'server_error' },
    );
    const workflow = load(SEED, SEED_FILE);
    let latest: unknown;
    let resumeFrom: unknown;
    const first = start(workflow, {
      onSnapshot: (snapshot) => (latest = snapshot),
      onEvent: (event) => {
        // The process "dies" while the third attempt waits: what a restart gets is the snapshot stored by then.
        if (event.type === 'node.retrying' && event.attempt === 3) {
          resumeFrom = latest;
          first.cancel();
        }
      },
    });
    await first.done;
    const resumed = await run(workflow, { snapshot: resumeFrom });
    expect(resumed.status).toBe('COMPLETED');
    const requests = resumed.events.filter((event) => event.type === 'node.request');
    expect(requests[0]).toMatchObject({ node: 'confirm_payment', method: 'GET', attempt: 3 });
    const confirms = sandbox.stripe.state().calls.filter((call) => call.path.endsWith('/confirm'));
    expect(confirms.map((call) => call.status)).toEqual([500, 500]);
    expect(new Set(confirms.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(succeeded()).toHaveLength(1);
  });
});

describe('a run resumed after its confirm was sent, with nothing stored about the answer', () => {
  // The seed itself, and the seed as the sub-workflow of a `workflow` node (its nodes' events are named `pay/...`).
  const PARENT = `osop_version: "1.0"
id: pays-through-the-seed
name: Pay through the seed
imports: [./seed.osop.yaml]
nodes:
  - { id: pay, type: workflow, workflow_ref: sop-stripe-payment }
`;
  const loadParent = async (): Promise<Workflow> => {
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-parent-'));
    writeFileSync(join(dir, 'seed.osop.yaml'), SEED);
    writeFileSync(join(dir, 'parent.osop.yaml'), PARENT);
    const { workflow, diagnostics } = await loadWorkflowFile(join(dir, 'parent.osop.yaml'));
    rmSync(dir, { recursive: true, force: true });
    if (!workflow) throw new Error(JSON.stringify(diagnostics));
    return workflow;
  };
  it.each([
    ['the seed', '', () => load(SEED, SEED_FILE)],
    ['a sub-workflow', 'pay/', () => loadParent()],
  ])(
    '%s: reads the intent first and never falls back, though the rate limiter refuses every repeat',
    async (_, at, workflowOf) => {
      // Stripe acts on the confirm 300 ms after it arrives; the process "dies" before the answer comes back.
      arm({ path: '/v1/payment_intents/:id/confirm', type: 'delay', ms: 300 });
      const workflow = await workflowOf();
      let latest: unknown;
      let stored: { snapshot: unknown; events: RunEvent[] } | undefined;
      const events: RunEvent[] = [];
      const first = start(workflow, {
        onSnapshot: (snapshot) => (latest = snapshot),
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'node.request' && event.node === `${at}confirm_payment` && !stored) {
            stored = { snapshot: latest, events: [...events] };
            setTimeout(() => first.cancel(), 50);
          }
        },
      });
      await first.done;
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(succeeded()).toHaveLength(1);
      arm(
        { path: '/v1/payment_intents/:id', method: 'GET', type: 'server_error', times: 2 },
        { path: '/v1/payment_intents/:id/confirm', type: 'rate_limit', retryAfter: 0, times: 3 },
      );
      const resumed = await run(workflow, {
        snapshot: stored!.snapshot,
        priorEvents: stored!.events,
        lastSeq: stored!.events.at(-1)!.seq,
      });
      expect(fallbacks(resumed.events)).toEqual([]);
      expect(sandbox.stripe.state().paymentIntents).toHaveLength(1);
      expect(succeeded()).toHaveLength(1);
      expect(resumed.status).toBe('COMPLETED');
      const requests = resumed.events.filter((event) => event.type === 'node.request');
      expect(requests.find((event) => event.node === `${at}confirm_payment`)).toMatchObject({
        method: 'GET',
        attempt: 2,
      });
    },
  );

  it('sends a keyed POST only once the caller has stored its node.request (RunOptions.untilStored)', async () => {
    const stripeCalls = () => sandbox.stripe.state().calls.length;
    const waits: Array<{ request: string; callsBefore: number; callsAfter: number }> = [];
    let lastRequest = '';
    const result = await run(load(SEED, SEED_FILE), {
      onEvent: (event) => {
        if (event.type === 'node.request') lastRequest = `${event.method} ${event.node}`;
      },
      untilStored: async () => {
        const callsBefore = stripeCalls();
        await new Promise((resolve) => setTimeout(resolve, 30));
        waits.push({ request: lastRequest, callsBefore, callsAfter: stripeCalls() });
      },
    });
    expect(result.status).toBe('COMPLETED');
    expect(waits.map((wait) => wait.request)).toEqual([
      'POST create_customer',
      'POST create_intent',
      'POST confirm_payment',
    ]);
    for (const wait of waits) expect(wait.callsAfter, wait.request).toBe(wait.callsBefore);
  });
});
