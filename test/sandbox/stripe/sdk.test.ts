import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, stripeClient, useSandbox } from '../helpers.ts';

describe('the official stripe SDK against the Stripe sandbox', () => {
  const sandbox = useSandbox();

  it('creates and retrieves a customer with metadata', async () => {
    const stripe = stripeClient(sandbox());
    const created = await stripe.customers.create({
      email: 'user@example.com',
      name: 'John Doe',
      metadata: { plan: 'pro' },
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created).toMatchObject({
      object: 'customer',
      email: 'user@example.com',
      name: 'John Doe',
      livemode: false,
      metadata: { plan: 'pro' },
    });
    expect(created.lastResponse.requestId).toMatch(/^req_/);
    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toMatchObject({ id: created.id, email: 'user@example.com' });
  });

  it('creates a payment intent shaped like Stripe and lists it by customer', async () => {
    const stripe = stripeClient(sandbox());
    const customer = await stripe.customers.create({ email: 'a@example.com' });
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      metadata: { order: '42' },
    });
    expect(intent.id).toMatch(/^pi_/);
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_\\w+$`));
    expect(intent).toMatchObject({
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      status: 'requires_payment_method',
      livemode: false,
      metadata: { order: '42' },
      last_payment_error: null,
    });
    expect(typeof intent.created).toBe('number');
    const listed = await stripe.paymentIntents.list({ customer: customer.id });
    expect(listed.data.map((item) => item.id)).toEqual([intent.id]);
  });

  it('confirms with pm_card_visa given at confirm time and expands the customer', async () => {
    const stripe = stripeClient(sandbox());
    const customer = await stripe.customers.create({ email: 'v@example.com' });
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: customer.id });
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_visa',
      expand: ['customer'],
    });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(2000);
    expect(confirmed.payment_method).toMatch(/^pm_/);
    expect((confirmed.customer as Stripe.Customer).email).toBe('v@example.com');
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
  });

  it('confirms with the payment method given at create time', async () => {
    const stripe = stripeClient(sandbox());
    const intent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'eur',
      payment_method: 'pm_card_visa',
    });
    expect(intent.status).toBe('requires_confirmation');
    expect((await stripe.paymentIntents.confirm(intent.id)).status).toBe('succeeded');
  });

  it('declines pm_card_chargeDeclined as a StripeCardError and puts the intent back to requires_payment_method', async () => {
    const stripe = stripeClient(sandbox());
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    const error = await rejectionOf(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const card = error as Stripe.errors.StripeCardError;
    expect(card.statusCode).toBe(402);
    expect(card.code).toBe('card_declined');
    expect(card.decline_code).toBe('generic_decline');
    expect(card.payment_intent?.id).toBe(intent.id);
    expect(card.payment_intent?.status).toBe('requires_payment_method');
    const after = await stripe.paymentIntents.retrieve(intent.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
  });

  it('declines pm_card_visa_chargeDeclinedInsufficientFunds with insufficient_funds', async () => {
    const stripe = stripeClient(sandbox());
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    const error = (await rejectionOf(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds' }),
    )) as Stripe.errors.StripeCardError;
    expect(error.type).toBe('StripeCardError');
    expect(error.decline_code).toBe('insufficient_funds');
    expect(error.message).toMatch(/insufficient funds/);
  });

  it('answers pm_card_authenticationRequired with 200 requires_action and a next_action', async () => {
    const stripe = stripeClient(sandbox());
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_authenticationRequired',
    });
    expect(confirmed.status).toBe('requires_action');
    expect(confirmed.next_action?.type).toBe('use_stripe_sdk');
  });

  it('holds funds with capture_method=manual, and fails requires_action cards when error_on_requires_action is set', async () => {
    const stripe = stripeClient(sandbox());
    const held = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(held).toMatchObject({ status: 'requires_capture', amount_capturable: 700, amount_received: 0 });
    const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    const error = await rejectionOf(
      stripe.paymentIntents.confirm(intent.id, {
        payment_method: 'pm_card_authenticationRequired',
        error_on_requires_action: true,
      }),
    );
    expect(error).toMatchObject({
      type: 'StripeCardError',
      code: 'authentication_required',
      decline_code: 'authentication_required',
    });
  });

  it('confirms at creation with confirm=true', async () => {
    const stripe = stripeClient(sandbox());
    const intent = await stripe.paymentIntents.create({
      amount: 999,
      currency: 'usd',
      payment_method: 'pm_card_mastercard',
      confirm: true,
    });
    expect(intent.status).toBe('succeeded');
  });

  it('cancels an intent, and refuses to cancel or confirm a succeeded one', async () => {
    const stripe = stripeClient(sandbox());
    const open = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    const canceled = await stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'requested_by_customer' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const paid = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const cancelError = (await rejectionOf(
      stripe.paymentIntents.cancel(paid.id),
    )) as Stripe.errors.StripeInvalidRequestError;
    expect(cancelError.code).toBe('payment_intent_unexpected_state');
    const confirmError = (await rejectionOf(
      stripe.paymentIntents.confirm(paid.id),
    )) as Stripe.errors.StripeInvalidRequestError;
    expect(confirmError.code).toBe('payment_intent_unexpected_state');
  });

  it('reports a missing amount as StripeInvalidRequestError parameter_missing on param amount', async () => {
    const stripe = stripeClient(sandbox());
    const error = await rejectionOf(
      stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'amount' });
  });

  it('reports an unknown id in the path as 404, and one named by a parameter as 400, both resource_missing', async () => {
    const stripe = stripeClient(sandbox());
    const missingIntent = await rejectionOf(stripe.paymentIntents.retrieve('pi_doesnotexist'));
    expect(missingIntent).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const missingCustomer = await rejectionOf(
      stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: 'cus_nope' }),
    );
    expect(missingCustomer).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
    const missingMethod = await rejectionOf(
      stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_bogus' }),
    );
    expect(missingMethod).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'payment_method' });
  });

  it('rejects a key that is not a test secret key with StripeAuthenticationError, without echoing it', async () => {
    const stripe = stripeClient(sandbox(), {}, 'sk_live_canary_9f8e7d6c5b4a');
    const error = await rejectionOf(stripe.customers.create({ email: 'x@example.com' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Error).message).not.toContain('canary');
    expect(sandbox().stripe.state().customers).toHaveLength(0);
  });
});
