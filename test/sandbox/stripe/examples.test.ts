// The refund and manual-capture example SOPs run by the engine against the Stripe sandbox; every
// request the engine sends is recorded on the wire and checked against stripe.oas.json.
import qs from 'qs';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceExecutors, resolveServiceMode, serviceSecrets } from '../../../src/services/service-endpoints.ts';
import { createLocalExecutors } from '../../../src/adapters/local.ts';
import { startRun } from '../../../src/machine/runner.ts';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { loadWorkflowFile } from '../../../src/osop/load.ts';
import type { Workflow } from '../../../src/osop/workflow.ts';
import { SANDBOX_STRIPE_KEY } from '../../../src/sandbox/start.ts';
import { startRecordingStripe, type RecordingStripe } from './support/recording-sandbox.ts';
import { validateStripeRequest } from './support/oas.ts';

let stripeSandbox: RecordingStripe;
const workflows: Record<string, Workflow> = {};
const modes = resolveServiceMode({}, { forceSandbox: true });

beforeAll(async () => {
  stripeSandbox = await startRecordingStripe();
  for (const name of ['stripe-refund-approval', 'stripe-manual-capture']) {
    const { workflow, diagnostics } = await loadWorkflowFile(`examples/${name}.osop.yaml`);
    if (!workflow) throw new Error(JSON.stringify(diagnostics));
    workflows[name] = workflow;
  }
});
afterAll(() => stripeSandbox.close());
beforeEach(() => stripeSandbox.stripe.reset());

type Decision = 'approved' | 'rejected';

/** `decisions` by human node (default approved). */
async function run(
  name: string,
  options: { inputs?: Record<string, unknown>; decisions?: Record<string, Decision> } = {},
) {
  const executors = {
    ...createLocalExecutors(),
    ...createServiceExecutors({
      mode: modes,
      sandbox: { stripeUrl: stripeSandbox.url, anthropicUrl: 'http://127.0.0.1:9' },
      env: {},
    }),
  };
  const events: RunEvent[] = [];
  const handle = startRun({
    workflow: workflows[name],
    inputs: options.inputs,
    executors,
    secrets: serviceSecrets(modes, {}),
    random: () => 0,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'human.waiting')
        queueMicrotask(() => handle.signal(event.node, { decision: options.decisions?.[event.node] ?? 'approved' }));
    },
  });
  const result = await handle.done;
  const completed = (node: string) =>
    events.some((event) => event.type === 'node.completed' && 'node' in event && event.node === node);
  return { result, completed };
}

const stripe = () => {
  const url = new URL(stripeSandbox.url);
  return new Stripe(SANDBOX_STRIPE_KEY, { host: url.hostname, port: Number(url.port), protocol: 'http' });
};

function expectRequestsMatchTheDescription(): string[] {
  const verdicts = stripeSandbox.requests.map((request) =>
    validateStripeRequest(request, (form) => qs.parse(form, { depth: 10 })),
  );
  expect(verdicts.filter((verdict) => verdict.problems.length > 0)).toEqual([]);
  return verdicts.map((verdict) => verdict.operation!);
}

describe('examples/stripe-refund-approval.osop.yaml', () => {
  const failedFulfilment = { decisions: { fulfil: 'rejected' as const } };

  it("charges, fails fulfilment, gets the manager's approval and refunds in full", async () => {
    const { result, completed } = await run('stripe-refund-approval', failedFulfilment);
    expect(result.status).toBe('COMPLETED');
    expect(completed('fulfil')).toBe(false);
    expect(result.outputs.refund).toMatchObject({ refunded_amount: 4500, refund_status: 'succeeded' });
    expect(result.outputs.check_charge).toMatchObject({ refunded: true, amount_refunded: 4500 });
    const charge = await stripe().charges.retrieve(String(result.outputs.charge.charge_id));
    expect(charge).toMatchObject({ refunded: true, amount_refunded: 4500 });
    const again = await stripe()
      .refunds.create({ charge: charge.id })
      .catch((error: unknown) => error);
    expect(again).toMatchObject({ type: 'StripeInvalidRequestError', code: 'charge_already_refunded' });
  });

  it('ships without a refund when fulfilment succeeds', async () => {
    const { result, completed } = await run('stripe-refund-approval');
    expect(result.status).toBe('COMPLETED');
    expect(completed('fulfil')).toBe(true);
    expect(completed('refund')).toBe(false);
    expect(stripeSandbox.stripe.state().refunds).toEqual([]);
  });

  it('sends only requests that stripe.oas.json allows', async () => {
    stripeSandbox.requests.length = 0;
    await run('stripe-refund-approval', failedFulfilment);
    expect(expectRequestsMatchTheDescription()).toEqual([
      'POST /v1/customers',
      'POST /v1/payment_intents',
      'POST /v1/refunds',
      'GET /v1/charges/{charge}',
    ]);
  });
});

describe('examples/stripe-manual-capture.osop.yaml', () => {
  it('authorizes, waits for approval, then captures', async () => {
    const { result } = await run('stripe-manual-capture');
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs.authorize).toMatchObject({ status: 'requires_capture', amount_capturable: 5000 });
    expect(result.outputs.capture).toMatchObject({ status: 'succeeded', amount_received: 5000 });
    expect(result.outputs.check_charge).toMatchObject({ captured: true, amount_captured: 5000 });
  });

  it('a rejection cancels the intent and releases the hold (a POST with no body)', async () => {
    const { result } = await run('stripe-manual-capture', { decisions: { approve_capture: 'rejected' } });
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs.release).toMatchObject({ status: 'canceled' });
  });

  it("capturing more than was held fails with Stripe's amount_too_large on amount_to_capture", async () => {
    const { result } = await run('stripe-manual-capture', { inputs: { capture: 9000 } });
    expect(result.status).toBe('FAILED');
    const failed = result.events.find(
      (event) => event.type === 'node.failed' && 'node' in event && event.node === 'capture',
    );
    expect(JSON.stringify(failed)).toContain('amount_too_large');
    expect(JSON.stringify(failed)).toContain('amount_to_capture');
  });

  it('sends only requests that stripe.oas.json allows, on the approval and the rejection paths', async () => {
    stripeSandbox.requests.length = 0;
    await run('stripe-manual-capture');
    await run('stripe-manual-capture', { decisions: { approve_capture: 'rejected' } });
    expect(expectRequestsMatchTheDescription()).toEqual([
      'POST /v1/customers',
      'POST /v1/payment_intents',
      'POST /v1/payment_intents/{intent}/capture',
      'GET /v1/charges/{charge}',
      'POST /v1/customers',
      'POST /v1/payment_intents',
      'POST /v1/payment_intents/{intent}/cancel',
    ]);
  });
});

describe('the request check against stripe.oas.json', () => {
  const parse = (form: string) => qs.parse(form, { depth: 10 });
  const form = 'application/x-www-form-urlencoded';

  it('refuses unknown and mistyped parameters, a POST without the form Content-Type, and unknown paths', () => {
    const bad = validateStripeRequest(
      { method: 'POST', path: '/v1/refunds', query: '', contentType: form, body: 'bogus=1&amount=ten' },
      parse,
    );
    expect(bad.operation).toBe('POST /v1/refunds');
    expect(bad.problems.join('\n')).toMatch(/additional properties[\s\S]*bogus/);
    expect(bad.problems.join('\n')).toMatch(/amount must be integer/);
    const bare = validateStripeRequest(
      { method: 'POST', path: '/v1/payment_intents/pi_1/cancel', query: '', contentType: null, body: '' },
      parse,
    );
    expect(bare.problems).toEqual(['Content-Type is null']);
    expect(
      validateStripeRequest({ method: 'GET', path: '/v1/nothing', query: '', contentType: null, body: '' }, parse)
        .problems,
    ).toHaveLength(1);
    const good = 'amount=4500&currency=usd&confirm=true&payment_method_types[0]=card&metadata[a]=b';
    expect(
      validateStripeRequest(
        { method: 'POST', path: '/v1/payment_intents', query: '', contentType: form, body: good },
        parse,
      ).problems,
    ).toEqual([]);
  });
});
