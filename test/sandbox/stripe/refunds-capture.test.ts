import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, stripeClient, useSandbox } from '../helpers.ts';

describe('refunds, manual capture, charges, customers and setup intents keep Stripe state', () => {
  const sandbox = useSandbox();
  const stripe = () => stripeClient(sandbox());

  async function paid(amount = 2000): Promise<{ intent: Stripe.PaymentIntent; charge: string }> {
    const intent = await stripe().paymentIntents.create({
      amount,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    return { intent, charge: intent.latest_charge as string };
  }

  it('refunds part then the rest; the charge is refunded and a third refund is charge_already_refunded', async () => {
    const { intent, charge } = await paid();
    const part = await stripe().refunds.create({
      payment_intent: intent.id,
      amount: 500,
      reason: 'requested_by_customer',
    });
    expect(part).toMatchObject({
      object: 'refund',
      amount: 500,
      charge,
      payment_intent: intent.id,
      status: 'succeeded',
      reason: 'requested_by_customer',
    });
    expect(await stripe().charges.retrieve(charge)).toMatchObject({ amount_refunded: 500, refunded: false });
    const tooMuch = await rejectionOf(stripe().refunds.create({ charge, amount: 1600 }));
    expect(tooMuch).toMatchObject({ type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount' });
    const rest = await stripe().refunds.create({ charge });
    expect(rest.amount).toBe(1500);
    expect(await stripe().charges.retrieve(charge)).toMatchObject({ amount_refunded: 2000, refunded: true });
    const again = await rejectionOf(stripe().refunds.create({ charge }));
    expect(again).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'charge_already_refunded',
    });
    expect((await stripe().refunds.list({ payment_intent: intent.id })).data.map((refund) => refund.amount)).toEqual([
      1500, 500,
    ]);
  });

  it('refuses to refund an intent with no successful charge', async () => {
    const intent = await stripe().paymentIntents.create({ amount: 2000, currency: 'usd' });
    expect(await rejectionOf(stripe().refunds.create({ payment_intent: intent.id }))).toMatchObject({
      code: 'charge_not_refundable',
      param: 'payment_intent',
    });
    expect(await rejectionOf(stripe().refunds.create({}))).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
    });
  });

  it('holds funds with capture_method manual, captures part, and releases the rest', async () => {
    const held = await stripe().paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(held).toMatchObject({ status: 'requires_capture', amount_capturable: 3000, amount_received: 0 });
    expect(await stripe().charges.retrieve(held.latest_charge as string)).toMatchObject({
      captured: false,
      amount_captured: 0,
      paid: true,
    });
    const past = await rejectionOf(stripe().paymentIntents.capture(held.id, { amount_to_capture: 3001 }));
    expect(past).toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_large',
      param: 'amount_to_capture',
    });
    const captured = await stripe().paymentIntents.capture(held.id, { amount_to_capture: 2500 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 2500, amount_capturable: 0 });
    expect(await stripe().charges.retrieve(held.latest_charge as string)).toMatchObject({
      captured: true,
      amount_captured: 2500,
      amount_refunded: 500,
    });
    expect(await rejectionOf(stripe().paymentIntents.capture(held.id))).toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
    const refund = await stripe().refunds.create({ payment_intent: held.id });
    expect(refund.amount).toBe(2500);
  });

  it('cancels an uncaptured intent, releasing the authorization on its charge', async () => {
    const held = await stripe().paymentIntents.create({
      amount: 1200,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const canceled = await stripe().paymentIntents.cancel(held.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned', amount_capturable: 0 });
    expect(await stripe().charges.retrieve(held.latest_charge as string)).toMatchObject({
      captured: false,
      refunded: true,
      amount_refunded: 1200,
    });
    expect(await rejectionOf(stripe().paymentIntents.capture(held.id))).toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
  });

  it('keeps a failed charge for a decline, with its failure code', async () => {
    const intent = await stripe().paymentIntents.create({ amount: 2000, currency: 'usd' });
    await rejectionOf(stripe().paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }));
    const after = await stripe().paymentIntents.retrieve(intent.id);
    expect(await stripe().charges.retrieve(after.latest_charge as string)).toMatchObject({
      status: 'failed',
      paid: false,
      failure_code: 'card_declined',
      outcome: { reason: 'generic_decline' },
    });
  });

  it('updates a customer, merging metadata and unsetting with empty strings', async () => {
    const customer = await stripe().customers.create({ email: 'old@example.com', metadata: { a: '1', b: '2' } });
    const updated = await stripe().customers.update(customer.id, {
      email: 'new@example.com',
      description: 'vip',
      metadata: { b: '', c: '3' },
    });
    expect(updated).toMatchObject({ email: 'new@example.com', description: 'vip', metadata: { a: '1', c: '3' } });
    expect(updated.metadata).not.toHaveProperty('b');
    expect((await stripe().customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      email: 'new@example.com',
    });
    expect(await rejectionOf(stripe().customers.update('cus_nope', { name: 'x' }))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('attaches, lists and detaches payment methods, and saves one with a setup intent', async () => {
    const customer = await stripe().customers.create({});
    const method = await stripe().paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    expect((await stripe().customers.listPaymentMethods(customer.id)).data.map((m) => m.id)).toEqual([method.id]);
    expect((await stripe().paymentMethods.detach(method.id)).customer).toBeNull();
    expect(await rejectionOf(stripe().paymentMethods.detach(method.id))).toMatchObject({
      code: 'payment_method_unexpected_state',
    });
    const setup = await stripe().setupIntents.create({ customer: customer.id, payment_method: 'pm_card_visa' });
    expect(setup.status).toBe('requires_confirmation');
    const confirmed = await stripe().setupIntents.confirm(setup.id);
    expect(confirmed.status).toBe('succeeded');
    expect((await stripe().paymentMethods.retrieve(confirmed.payment_method as string)).customer).toBe(customer.id);
    expect(await rejectionOf(stripe().setupIntents.confirm(setup.id))).toMatchObject({
      code: 'setup_intent_unexpected_state',
    });
    const declined = await stripe().setupIntents.create({ customer: customer.id });
    expect(
      await rejectionOf(stripe().setupIntents.confirm(declined.id, { payment_method: 'pm_card_chargeDeclined' })),
    ).toMatchObject({
      type: 'StripeCardError',
      code: 'card_declined',
    });
  });

  it('injects faults on the new endpoints too: a 500 on a refund, retried by the SDK, refunds once', async () => {
    const { charge } = await paid();
    sandbox().stripe.addFault({ method: 'POST', path: '/v1/refunds', type: 'server_error', when: 'after' });
    const refund = await stripeClient(sandbox(), { maxNetworkRetries: 1 }).refunds.create({ charge });
    expect(refund.amount).toBe(2000);
    expect(sandbox().stripe.state().refunds).toHaveLength(1);
    sandbox().stripe.addFault({ method: 'POST', path: '/v1/payment_intents/:id/capture', type: 'rate_limit' });
    const held = await stripe().paymentIntents.create({
      amount: 900,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(await rejectionOf(stripe().paymentIntents.capture(held.id))).toMatchObject({ statusCode: 429 });
    expect((await stripe().paymentIntents.capture(held.id)).status).toBe('succeeded');
  });
});
