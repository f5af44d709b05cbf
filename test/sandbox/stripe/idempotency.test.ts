import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { postForm, rejectionOf, stripeClient, useSandbox, waitFor } from '../helpers.ts';

describe('Stripe sandbox idempotency', () => {
  const sandbox = useSandbox();

  it('replays the stored response for the same key and params, marked Idempotent-Replayed', async () => {
    const stripe = stripeClient(sandbox());
    const params = { amount: 2000, currency: 'usd', metadata: { order: '7' } };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'run-1:create_intent:1' });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'run-1:create_intent:1' });
    expect(second.id).toBe(first.id);
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(second.lastResponse.headers['original-request']).toBe(first.lastResponse.requestId);
    expect(sandbox().stripe.state().paymentIntents).toHaveLength(1);
  });

  it('compares parameters, not their order on the wire', async () => {
    const headers = { 'Idempotency-Key': 'same-key' };
    const first = await postForm(
      sandbox(),
      '/v1/customers',
      'email=a%40example.com&metadata[a]=1&metadata[b]=2',
      headers,
    );
    const second = await postForm(
      sandbox(),
      '/v1/customers',
      'metadata[b]=2&metadata[a]=1&email=a%40example.com',
      headers,
    );
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await second.json()).id).toBe((await first.json()).id);
  });

  it('refuses the same key with other params as a 400 idempotency_error', async () => {
    const stripe = stripeClient(sandbox());
    await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'k-mismatch' });
    const error = await rejectionOf(
      stripe.paymentIntents.create({ amount: 3000, currency: 'usd' }, { idempotencyKey: 'k-mismatch' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400 });
    expect(sandbox().stripe.state().paymentIntents).toHaveLength(1);
  });

  it('answers 409 while the first request with a key is still running', async () => {
    sandbox().stripe.addFault({ method: 'POST', path: '/v1/customers', type: 'delay', ms: 1500 });
    const headers = { 'Idempotency-Key': 'slow-key' };
    const slow = postForm(sandbox(), '/v1/customers', 'email=slow%40example.com', headers);
    await waitFor(() =>
      sandbox()
        .stripe.state()
        .calls.some((call) => call.fault === 'delay'),
    );
    const concurrent = await postForm(sandbox(), '/v1/customers', 'email=slow%40example.com', headers);
    expect(concurrent.status).toBe(409);
    expect((await concurrent.json()).error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
    });
    expect((await slow).status).toBe(200);
    expect(sandbox().stripe.state().customers).toHaveLength(1);
  });

  it('keeps a card decline for its key, so a retry replays the 402 instead of charging again', async () => {
    const stripe = stripeClient(sandbox());
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    const options = { idempotencyKey: 'decline-key' };
    const first = await rejectionOf(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }, options),
    );
    const again = await rejectionOf(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }, options),
    );
    expect(first).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(again).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((again as Stripe.errors.StripeCardError).headers['idempotent-replayed']).toBe('true');
    expect(sandbox().stripe.state().confirmations).toHaveLength(1);
  });

  it('does not keep validation errors, so the key can be used once the request is fixed', async () => {
    const bad = await postForm(sandbox(), '/v1/payment_intents', 'currency=usd', { 'Idempotency-Key': 'fix-me' });
    expect(bad.status).toBe(400);
    const fixed = await postForm(sandbox(), '/v1/payment_intents', 'amount=2000&currency=usd', {
      'Idempotency-Key': 'fix-me',
    });
    expect(fixed.status).toBe(200);
  });

  it('lets the SDK retry an injected 500 on confirm with the same key; exactly one confirmation runs', async () => {
    const stripe = stripeClient(sandbox(), { maxNetworkRetries: 2 });
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    sandbox().stripe.addFault({ method: 'POST', path: '/v1/payment_intents/:id/confirm', type: 'server_error' });
    const confirmed = await stripe.paymentIntents.confirm(
      intent.id,
      { payment_method: 'pm_card_visa' },
      { idempotencyKey: 'run-9:confirm:1' },
    );
    expect(confirmed.status).toBe('succeeded');
    const state = sandbox().stripe.state();
    const confirmCalls = state.calls.filter((call) => call.path.endsWith('/confirm'));
    expect(confirmCalls.map((call) => [call.status, call.idempotencyKey])).toEqual([
      [500, 'run-9:confirm:1'],
      [200, 'run-9:confirm:1'],
    ]);
    expect(state.confirmations).toHaveLength(1);
  });

  it('replays the kept success after a lost response (a 500 injected after the confirmation ran)', async () => {
    const stripe = stripeClient(sandbox(), { maxNetworkRetries: 1 });
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
    sandbox().stripe.addFault({ path: '/v1/payment_intents/:id/confirm', type: 'server_error', when: 'after' });
    const confirmed = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(sandbox().stripe.state().confirmations).toHaveLength(1);
  });
});
