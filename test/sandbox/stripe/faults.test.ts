import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { postForm, rejectionOf, stripeClient, useSandbox, waitFor } from '../helpers.ts';

describe('Stripe sandbox fault injection', () => {
  const sandbox = useSandbox();

  it('answers 429 with Retry-After, surfacing as StripeRateLimitError when not retried', async () => {
    const stripe = stripeClient(sandbox(), { maxNetworkRetries: 0 });
    sandbox().stripe.addFault({ method: 'POST', path: '/v1/customers', type: 'rate_limit', retryAfter: 2 });
    const error = await rejectionOf(stripe.customers.create({ email: 'r@example.com' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((error as Stripe.errors.StripeError).headers?.['retry-after']).toBe('2');
    expect((await stripe.customers.create({ email: 'r@example.com' })).email).toBe('r@example.com');
  });

  it('lets the SDK honour Stripe-Should-Retry on a 429 and succeed on the next try', async () => {
    const stripe = stripeClient(sandbox(), { maxNetworkRetries: 1 });
    sandbox().stripe.addFault({ path: '/v1/customers', type: 'rate_limit', retryAfter: 1, shouldRetry: true });
    const customer = await stripe.customers.create({ email: 'again@example.com' });
    expect(customer.email).toBe('again@example.com');
    expect(
      sandbox()
        .stripe.state()
        .calls.map((call) => call.status),
    ).toEqual([429, 200]);
  });

  it('hits only the next N matching calls, by method and path pattern', async () => {
    const stripe = stripeClient(sandbox(), { maxNetworkRetries: 0 });
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    sandbox().stripe.addFault({
      method: 'GET',
      path: '/v1/payment_intents/:id',
      type: 'server_error',
      status: 503,
      times: 2,
    });
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(await rejectionOf(stripe.paymentIntents.retrieve(intent.id))).toMatchObject({
      statusCode: 503,
      type: 'StripeAPIError',
    });
    expect(await rejectionOf(stripe.paymentIntents.retrieve(intent.id))).toMatchObject({ statusCode: 503 });
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
    expect(sandbox().stripe.pendingFaults()).toEqual([]);
  });

  it('completes a slowed operation even when the caller gives up mid-request', async () => {
    sandbox().stripe.addFault({ path: '/v1/customers', type: 'delay', ms: 400 });
    const caller = new AbortController();
    const request = fetch(`${sandbox().stripeUrl}/v1/customers`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=gone%40example.com',
      signal: caller.signal,
    }).catch((error: unknown) => error);
    await waitFor(() =>
      sandbox()
        .stripe.state()
        .calls.some((call) => call.fault === 'delay'),
    );
    caller.abort();
    expect(await request).toBeInstanceOf(Error);
    expect(sandbox().stripe.state().customers).toHaveLength(0);
    await waitFor(() => sandbox().stripe.state().customers.length === 1);
    expect(sandbox().stripe.state().customers[0].email).toBe('gone@example.com');
  });

  it('is driven over HTTP: POST /__sandbox/faults arms, GET /__sandbox/state reports calls and objects', async () => {
    const armed = await fetch(`${sandbox().stripeUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/v1/customers', type: 'server_error', shouldRetry: false }),
    });
    expect(armed.status).toBe(201);
    const failed = await postForm(sandbox(), '/v1/customers', 'email=h%40example.com', {
      'Idempotency-Key': 'http-key',
    });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('stripe-should-retry')).toBe('false');
    expect((await failed.json()).error.type).toBe('api_error');
    expect(
      (await postForm(sandbox(), '/v1/customers', 'email=h%40example.com', { 'Idempotency-Key': 'http-key' })).status,
    ).toBe(200);
    const state = await (await fetch(`${sandbox().stripeUrl}/__sandbox/state`)).json();
    expect(state.customers).toHaveLength(1);
    expect(
      state.calls.map((call: { status: number; idempotencyKey: string; fault: string | null }) => [
        call.status,
        call.idempotencyKey,
        call.fault,
      ]),
    ).toEqual([
      [500, 'http-key', 'server_error'],
      [200, 'http-key', null],
    ]);
  });

  it('explains a malformed fault with the field at fault', async () => {
    const response = await fetch(`${sandbox().stripeUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ path: '/v1/customers', type: 'delay' }]),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe('faults[0].ms: a delay needs "ms", the milliseconds to wait');
    const unknownType = await fetch(`${sandbox().stripeUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/v1/customers', type: 'explode' }),
    });
    expect((await unknownType.json()).error.message).toMatch(/^fault\.type: expected one of "server_error"/);
  });
});
