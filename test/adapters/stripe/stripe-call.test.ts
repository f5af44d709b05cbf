import { describe, expect, it } from 'vitest';
import { createApiExecutor } from '../../../src/adapters/api/executor.ts';
import { STRIPE_API_VERSION } from '../../../src/adapters/stripe/client.ts';
import { makeExecution } from '../support/execution.ts';
import { failure } from '../support/failure.ts';
import { forgetRequests, startForFile } from '../support/for-file.ts';
import { closedPort } from '../support/loopback.ts';
import { startRecordingServer } from '../support/recording-server.ts';

const KEY = 'sk_test_canary_7d1e0f3a';
const auth = { Authorization: `Bearer ${KEY}` };
const server = await startForFile(startRecordingServer, forgetRequests);
const api = createApiExecutor({ stripe: { baseUrl: server.url } });

const stripeNode = (id: string, runtime: Record<string, unknown>, outputs?: Record<string, string>) =>
  makeExecution({ id, runtime: { url: 'https://api.stripe.com/v1/customers', headers: auth, ...runtime }, outputs });

describe('the seed payment SOP on the wire', () => {
  it('sends exactly Stripe’s form encoding and headers for all four calls', async () => {
    server.script(
      { body: { id: 'cus_123', object: 'customer' } },
      { body: { id: 'pi_123', client_secret: 'pi_123_secret_abc', status: 'requires_payment_method' } },
      { body: { id: 'pi_123', status: 'succeeded' } },
      { body: { id: 'pi_123', status: 'succeeded' } },
    );
    const customer = await api(
      stripeNode(
        'create_customer',
        {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: { email: 'user@example.com', name: 'John Doe' },
        },
        { customer_id: 'data.id' },
      ),
    );
    const intent = await api(
      stripeNode(
        'create_intent',
        {
          method: 'POST',
          url: 'https://api.stripe.com/v1/payment_intents',
          body: { amount: 2000, currency: 'usd', customer: customer.outputs.customer_id },
        },
        { intent_id: 'data.id', client_secret: 'data.client_secret' },
      ),
    );
    await api(
      stripeNode('confirm_payment', {
        method: 'POST',
        url: `https://api.stripe.com/v1/payment_intents/${intent.outputs.intent_id}/confirm`,
        body: { payment_method: 'pm_card_visa' },
      }),
    );
    const status = await api(
      stripeNode(
        'check_status',
        { method: 'GET', url: `https://api.stripe.com/v1/payment_intents/${intent.outputs.intent_id}` },
        { status: 'data.status' },
      ),
    );

    expect(server.requests.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'POST', url: '/v1/customers', body: 'email=user%40example.com&name=John%20Doe' },
      { method: 'POST', url: '/v1/payment_intents', body: 'amount=2000&currency=usd&customer=cus_123' },
      { method: 'POST', url: '/v1/payment_intents/pi_123/confirm', body: 'payment_method=pm_card_visa' },
      { method: 'GET', url: '/v1/payment_intents/pi_123', body: '' },
    ]);
    const ids = ['create_customer', 'create_intent', 'confirm_payment'];
    server.requests.slice(0, 3).forEach((request, index) => {
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.headers['idempotency-key']).toBe(`run_test:${ids[index]}:1`);
    });
    const get = server.requests[3];
    expect(get.headers['idempotency-key']).toBeUndefined();
    expect(get.headers['content-type']).toBeUndefined();
    for (const request of server.requests) {
      expect(request.headers['stripe-version']).toBe(STRIPE_API_VERSION);
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    expect(intent.outputs).toMatchObject({ intent_id: 'pi_123', client_secret: 'pi_123_secret_abc', status: 200 });
    expect(status.outputs.status).toBe('succeeded');
  });

  it('nests metadata and expand with brackets, and sends GET parameters in the query', async () => {
    await api(
      stripeNode('c', {
        method: 'POST',
        body: { email: 'x@y.z', metadata: { order: 'A 1' }, expand: ['default_source'] },
      }),
    );
    await api(
      stripeNode('g', {
        method: 'GET',
        url: 'https://api.stripe.com/v1/customers/cus_1?expand[]=default_source',
        query_params: { limit: 3 },
      }),
    );
    expect(server.requests[0].body).toBe('email=x%40y.z&metadata[order]=A%201&expand[]=default_source');
    expect(server.requests[1].url).toBe('/v1/customers/cus_1?expand[]=default_source&limit=3');
  });

  it('keys retries of one visit alike and a re-entry differently', async () => {
    const call = (visit: number, attempt: number) =>
      makeExecution({
        id: 'create_intent',
        visit,
        attempt,
        runtime: {
          method: 'POST',
          url: 'https://api.stripe.com/v1/payment_intents',
          headers: auth,
          body: { amount: 1 },
        },
      });
    await api(call(1, 1));
    await api(call(1, 2));
    await api(call(2, 1));
    expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual([
      'run_test:create_intent:1',
      'run_test:create_intent:1',
      'run_test:create_intent:2',
    ]);
  });

  it('uses the configured key when the node sends no Authorization, and says what to do when there is none', async () => {
    const keyed = createApiExecutor({ stripe: { baseUrl: server.url, apiKey: KEY } });
    await keyed(makeExecution({ runtime: { method: 'GET', url: 'https://api.stripe.com/v1/customers' } }));
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    const error = await failure(
      api(makeExecution({ runtime: { method: 'GET', url: 'https://api.stripe.com/v1/customers' } })),
    );
    expect(error).toMatchObject({ code: 'missing_credentials' });
    expect(error.message).toContain('set STRIPE_SECRET_KEY');
  });

  it('routes a URL under the configured base (with a path prefix) through Stripe', async () => {
    const prefixed = createApiExecutor({ stripe: { baseUrl: `${server.url}/stripe/` } });
    await prefixed(
      makeExecution({
        runtime: { method: 'POST', url: `${server.url}/stripe/v1/customers`, headers: auth, body: { name: 'n' } },
      }),
    );
    expect(server.requests[0]).toMatchObject({ url: '/stripe/v1/customers', body: 'name=n' });
    expect(server.requests[0].headers['stripe-version']).toBe(STRIPE_API_VERSION);
  });

  it('rejects a path Stripe does not have, and a method the path does not take', async () => {
    const unknown = await failure(
      api(stripeNode('x', { method: 'POST', url: 'https://api.stripe.com/v1/paymentintents' })),
    );
    expect(unknown).toMatchObject({ code: 'unknown_stripe_path', retryable: false });
    expect(unknown.message).toContain('Stripe has no endpoint /v1/paymentintents');
    const method = await failure(
      api(stripeNode('x', { method: 'GET', url: 'https://api.stripe.com/v1/payment_intents/pi_1/confirm' })),
    );
    expect(method.message).toContain('/v1/payment_intents/{intent}/confirm accepts POST, not GET');
    expect(server.requests).toHaveLength(0);
  });
});

describe('Stripe errors', () => {
  const confirm = () =>
    api(
      stripeNode('confirm_payment', {
        method: 'POST',
        url: 'https://api.stripe.com/v1/payment_intents/pi_9/confirm',
        body: { payment_method: 'pm_card_chargeDeclined' },
      }),
    );

  it('a declined card is final, coded card_declined, and names the decline code', async () => {
    server.script({
      status: 402,
      headers: { 'Stripe-Should-Retry': 'true', 'Request-Id': 'req_1' },
      body: {
        error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'generic_decline',
          message: 'Your card was declined.',
          payment_intent: { id: 'pi_9' },
        },
      },
    });
    const error = await failure(confirm());
    expect(error).toMatchObject({ code: 'card_declined', status: 402, retryable: false });
    expect(error.message).toContain(
      'Stripe 402 card_error card_declined (decline_code: generic_decline): Your card was declined.',
    );
    expect(error.message).toContain('POST /v1/payment_intents/{intent}/confirm');
  });

  it.each([
    [409, { type: 'idempotency_error', message: 'in flight' }, 'idempotency_error', true],
    [500, { type: 'api_error', message: 'boom' }, 'api_error', true],
    [
      400,
      {
        type: 'invalid_request_error',
        code: 'parameter_missing',
        param: 'amount',
        message: 'Missing required param: amount.',
      },
      'parameter_missing',
      false,
    ],
    [401, { type: 'invalid_request_error', message: 'Invalid API Key provided' }, 'authentication_error', false],
  ])('HTTP %i is coded and classified', async (status, body, code, retryable) => {
    server.script({ status, body: { error: body } });
    expect(await failure(confirm())).toMatchObject({ status, code, retryable });
  });

  it('429 is retried after Retry-After', async () => {
    server.script({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } },
    });
    expect(await failure(confirm())).toMatchObject({ code: 'rate_limit', retryable: true, retryAfterMs: 1000 });
  });

  it('Stripe-Should-Retry overrides the status', async () => {
    server.script(
      { status: 500, headers: { 'Stripe-Should-Retry': 'false' }, body: { error: { type: 'api_error' } } },
      {
        status: 400,
        headers: { 'Stripe-Should-Retry': 'true' },
        body: { error: { type: 'invalid_request_error', code: 'lock_timeout' } },
      },
    );
    expect(await failure(confirm())).toMatchObject({ status: 500, retryable: false });
    expect(await failure(confirm())).toMatchObject({ status: 400, code: 'lock_timeout', retryable: true });
  });

  it('notes a replayed idempotent response', async () => {
    server.script({
      status: 200,
      headers: { 'Idempotent-Replayed': 'true' },
      body: { id: 'pi_9', status: 'succeeded' },
    });
    const execution = stripeNode('confirm_payment', {
      method: 'POST',
      url: 'https://api.stripe.com/v1/payment_intents/pi_9/confirm',
    });
    await api(execution);
    expect(execution.events[1]).toMatchObject({ type: 'node.response', status: 200, replayed: true });
  });

  it('never lets the key into events or error messages', async () => {
    server.script({
      status: 401,
      body: { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${KEY}` } },
    });
    const execution = stripeNode('c', { method: 'POST', body: { name: 'n' } });
    const error = await failure(api(execution));
    const unreachable = createApiExecutor({ stripe: { baseUrl: await closedPort() } });
    const offline = stripeNode('c', { method: 'POST', body: { name: 'n' } });
    const network = await failure(unreachable(offline));
    expect(network).toMatchObject({ code: 'network_error', retryable: true });
    const seen = JSON.stringify([
      execution.events,
      offline.events,
      error.message,
      network.message,
      error.toInfo(),
      network.toInfo(),
    ]);
    expect(seen).not.toContain(KEY);
    expect(error.message).toContain('Invalid API Key provided: [redacted]');
  });
});

describe('a redirect', () => {
  it('is not followed: a POST is not sent on or turned into a GET, and the failure is definite and says what to set', async () => {
    server.script(
      { status: 301, headers: { location: '/v1/customers/list' } },
      { status: 307, headers: { location: '/x' } },
    );
    const post = await failure(api(stripeNode('create_customer', { method: 'POST', body: { name: 'n' } })));
    const get = await failure(
      api(stripeNode('check_status', { method: 'GET', url: 'https://api.stripe.com/v1/customers/cus_1' })),
    );
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/customers',
      'GET /v1/customers/cus_1',
    ]);
    for (const error of [post, get]) {
      expect(error).toMatchObject({ code: 'redirect', retryable: false });
      expect(error.indeterminate).toBeFalsy();
      expect(error.message).toContain(`${server.url}/v1/customers`);
      expect(error.message).toContain('STRIPE_API_BASE');
    }
  });
});
