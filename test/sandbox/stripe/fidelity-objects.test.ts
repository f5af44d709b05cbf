// Every emulated operation driven with the official SDK: each answer parses and each object carries
// every field its schema in stripe.oas.json has for the pinned version, with the schema's types.
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMULATED_OPERATIONS } from '../../../src/sandbox/stripe/tables.ts';
import { stripeClient, useSandbox } from '../helpers.ts';
import { fieldDifferences, objectValidator, stripeOas } from './support/oas.ts';

const PINNED = '2024-04-10';

function expectShaped(name: string, object: unknown): void {
  const record = object as Record<string, unknown>;
  expect(record.object, `a ${name}`).toBe(name);
  const validate = objectValidator(name);
  const valid = validate(JSON.parse(JSON.stringify(record)));
  expect(
    valid ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`),
    `${name} against its schema`,
  ).toEqual([]);
  expect(fieldDifferences(name, record), `${name} fields`).toEqual({ missing: [], unknown: [] });
}

function expectList(name: string, list: { object: string; data: unknown[] }, size: number): void {
  expect(list.object).toBe('list');
  expect(list.data).toHaveLength(size);
  list.data.forEach((item) => expectShaped(name, item));
}

describe('the Stripe sandbox answers every emulated operation in the shape of stripe.oas.json', () => {
  const sandbox = useSandbox();
  const called = new Set<string>();
  beforeAll(() => {
    objectValidator('customer'); // compiles the description's schemas once (a few seconds)
  }, 60_000);

  it('pins the version stripe.oas.json describes', () => {
    expect(stripeOas().info.version).toBe(PINNED);
  });

  it('customers, payment intents, charges, refunds, payment methods, setup intents and events', async () => {
    const stripe: Stripe = stripeClient(sandbox(), { apiVersion: PINNED as Stripe.LatestApiVersion });
    const customer = await stripe.customers.create({ email: 'fidelity@example.com', name: 'Fi Delity' });
    expectShaped('customer', customer);
    expectShaped('customer', await stripe.customers.retrieve(customer.id));
    const updated = await stripe.customers.update(customer.id, {
      name: 'Fi',
      address: { city: 'Paris', country: 'FR' },
    });
    expectShaped('customer', updated);
    expect(updated).toMatchObject({ name: 'Fi', address: { city: 'Paris', country: 'FR', line1: null } });
    expectList('customer', await stripe.customers.list(), 1);

    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expectShaped('payment_method', method);
    expect(method).toMatchObject({ customer: customer.id, type: 'card', card: { brand: 'visa', last4: '4242' } });
    expectShaped('payment_method', await stripe.paymentMethods.retrieve(method.id));
    expectList('payment_method', await stripe.paymentMethods.list({ customer: customer.id, type: 'card' }), 1);
    expectList('payment_method', await stripe.customers.listPaymentMethods(customer.id), 1);

    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: customer.id });
    expectShaped('payment_intent', intent);
    const paid = await stripe.paymentIntents.confirm(intent.id, { payment_method: method.id });
    expectShaped('payment_intent', paid);
    expectShaped('payment_intent', await stripe.paymentIntents.retrieve(intent.id));
    expectList('payment_intent', await stripe.paymentIntents.list({ customer: customer.id }), 1);
    const charge = await stripe.charges.retrieve(paid.latest_charge as string);
    expectShaped('charge', charge);
    expect(charge).toMatchObject({
      amount: 2000,
      captured: true,
      paid: true,
      status: 'succeeded',
      payment_intent: intent.id,
    });
    expectList('charge', await stripe.charges.list({ payment_intent: intent.id }), 1);

    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
    expectShaped('refund', refund);
    expectShaped('refund', await stripe.refunds.retrieve(refund.id));
    expectList('refund', await stripe.refunds.list({ charge: charge.id }), 1);

    const held = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expectShaped('payment_intent', held);
    expectShaped('payment_intent', await stripe.paymentIntents.capture(held.id, { amount_to_capture: 2500 }));
    const other = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expectShaped('payment_intent', await stripe.paymentIntents.cancel(other.id));

    const setup = await stripe.setupIntents.create({ customer: customer.id });
    expectShaped('setup_intent', setup);
    expectShaped('setup_intent', await stripe.setupIntents.retrieve(setup.id));
    expectShaped('setup_intent', await stripe.setupIntents.confirm(setup.id, { payment_method: 'pm_card_mastercard' }));

    expectShaped('payment_method', await stripe.paymentMethods.detach(method.id));
    const events = await stripe.events.list({ limit: 100 });
    expect(events.data.length).toBeGreaterThan(10);
    events.data.forEach((event) => expectShaped('event', event));
    expectShaped('event', await stripe.events.retrieve(events.data[0].id));

    for (const call of sandbox().stripe.state().calls) called.add(`${call.method} ${call.path}`);
  }, 60_000);

  it('drove every emulated operation above', () => {
    const templates = EMULATED_OPERATIONS.map((key) => {
      const [method, path] = key.split(' ');
      return { key, pattern: new RegExp(`^${method} ${path.replace(/\{\w+\}/g, '[^/]+')}$`) };
    });
    const missed = templates
      .filter(({ pattern }) => ![...called].some((call) => pattern.test(call)))
      .map(({ key }) => key);
    expect(missed).toEqual([]);
  });
});
