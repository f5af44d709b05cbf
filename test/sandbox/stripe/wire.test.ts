import { describe, expect, it } from 'vitest';
import { SANDBOX_STRIPE_KEY } from '../../../src/sandbox/start.ts';
import { postForm, useSandbox } from '../helpers.ts';

describe('Stripe sandbox wire protocol', () => {
  const sandbox = useSandbox();

  it('reads bracket-nested form params: metadata[k]=v and expand[]=x', async () => {
    const customer = await (
      await postForm(sandbox(), '/v1/customers', 'email=n%40example.com&metadata[tier]=gold&metadata[ref]=a%26b')
    ).json();
    expect(customer.metadata).toEqual({ tier: 'gold', ref: 'a&b' });
    const response = await postForm(
      sandbox(),
      '/v1/payment_intents',
      `amount=2000&currency=usd&customer=${customer.id}&expand[]=customer`,
    );
    const intent = await response.json();
    expect(intent.customer).toMatchObject({ id: customer.id, object: 'customer', email: 'n@example.com' });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('reads GET params from the query string', async () => {
    const created = await (await postForm(sandbox(), '/v1/payment_intents', 'amount=500&currency=usd')).json();
    const response = await fetch(`${sandbox().stripeUrl}/v1/payment_intents/${created.id}?expand[]=payment_method`, {
      headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}` },
    });
    expect((await response.json()).id).toBe(created.id);
  });

  it('accepts the key as the basic-auth user name, like curl -u sk_test_...:', async () => {
    const basic = Buffer.from(`${SANDBOX_STRIPE_KEY}:`).toString('base64');
    const response = await postForm(sandbox(), '/v1/customers', 'email=b%40example.com', {
      Authorization: `Basic ${basic}`,
    });
    expect(response.status).toBe(200);
  });

  it('answers 401 without a key, telling how to send one', async () => {
    const response = await fetch(`${sandbox().stripeUrl}/v1/customers`, {
      method: 'POST',
      body: 'email=x%40example.com',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toMatch(/You did not provide an API key.*Authorization: Bearer/);
  });

  it('refuses a JSON body the way Stripe does', async () => {
    const response = await fetch(`${sandbox().stripeUrl}/v1/customers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'j@example.com' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('refuses unknown parameters and malformed integers, naming the param', async () => {
    const unknown = await postForm(sandbox(), '/v1/customers', 'emial=typo%40example.com');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'emial',
      message: 'Received unknown parameter: emial',
    });
    const notInteger = await postForm(sandbox(), '/v1/payment_intents', 'amount=20.00&currency=usd');
    expect((await notInteger.json()).error).toMatchObject({ param: 'amount', message: 'Invalid integer: 20.00' });
  });

  it("answers an unknown URL with Stripe's 404", async () => {
    const response = await postForm(sandbox(), '/v1/charges_typo', 'amount=1');
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toMatch(/^Unrecognized request URL \(POST: \/v1\/charges_typo\)/);
  });

  it('lists customers newest first, filtered by email', async () => {
    await postForm(sandbox(), '/v1/customers', 'email=first%40example.com');
    await postForm(sandbox(), '/v1/customers', 'email=second%40example.com');
    const all = await (
      await fetch(`${sandbox().stripeUrl}/v1/customers?limit=1`, {
        headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}` },
      })
    ).json();
    expect(all).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(all.data.map((customer: { email: string }) => customer.email)).toEqual(['second@example.com']);
    const filtered = await (
      await fetch(`${sandbox().stripeUrl}/v1/customers?email=first%40example.com`, {
        headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}` },
      })
    ).json();
    expect(filtered.data).toHaveLength(1);
  });
});
