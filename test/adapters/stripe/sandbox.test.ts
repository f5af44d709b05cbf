import { describe, expect, it } from 'vitest';
import { createServiceExecutors, serviceSecrets } from '../../../src/services/service-endpoints.ts';
import { startSandbox } from '../../../src/sandbox/start.ts';
import { makeExecution } from '../support/execution.ts';
import { failure } from '../support/failure.ts';
import { startForFile } from '../support/for-file.ts';

const { STRIPE_SECRET_KEY } = serviceSecrets({ stripe: 'sandbox', anthropic: 'sandbox' }, {});
const headers = { Authorization: `Bearer ${STRIPE_SECRET_KEY}` };
const sandbox = await startForFile(startSandbox, ({ stripe }) => stripe.reset());
const executors = createServiceExecutors({ mode: 'sandbox', sandbox, env: {} });

const createIntent = async (visit = 1) => {
  const customer = await executors.api(
    makeExecution({
      id: 'create_customer',
      runtime: {
        method: 'POST',
        url: 'https://api.stripe.com/v1/customers',
        headers,
        body: { email: 'user@example.com', name: 'John Doe' },
      },
      outputs: { customer_id: 'data.id' },
    }),
  );
  const intent = await executors.api(
    makeExecution({
      id: 'create_intent',
      visit,
      runtime: {
        method: 'POST',
        url: 'https://api.stripe.com/v1/payment_intents',
        headers,
        body: { amount: 2000, currency: 'usd', customer: customer.outputs.customer_id },
      },
      outputs: { intent_id: 'data.id', client_secret: 'data.client_secret' },
    }),
  );
  return String(intent.outputs.intent_id);
};

const confirm = (intent: string, paymentMethod: string, attempt = 1) => {
  const execution = makeExecution({
    id: 'confirm_payment',
    attempt,
    runtime: {
      method: 'POST',
      url: `https://api.stripe.com/v1/payment_intents/${intent}/confirm`,
      headers,
      body: { payment_method: paymentMethod },
    },
  });
  return { execution, result: executors.api(execution) };
};

const checkStatus = async (intent: string) =>
  (
    await executors.api(
      makeExecution({
        id: 'check_status',
        runtime: { method: 'GET', url: `https://api.stripe.com/v1/payment_intents/${intent}`, headers },
        outputs: { status: 'data.status' },
      }),
    )
  ).outputs.status;

describe('the api executor against the Stripe sandbox', () => {
  it('pm_card_visa: create → confirm → retrieve ends succeeded', async () => {
    const intent = await createIntent();
    expect(intent).toMatch(/^pi_/);
    await confirm(intent, 'pm_card_visa').result;
    expect(await checkStatus(intent)).toBe('succeeded');
    expect(sandbox.stripe.state().calls.map((call) => call.idempotencyKey)).toEqual([
      'run_test:create_customer:1',
      'run_test:create_intent:1',
      'run_test:confirm_payment:1',
      null,
    ]);
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
  ])('%s: confirm fails card_declined (%s), final, and the intent awaits a new method', async (method, declineCode) => {
    const intent = await createIntent();
    const error = await failure(confirm(intent, method).result);
    expect(error).toMatchObject({ code: 'card_declined', status: 402, retryable: false });
    expect(error.message).toContain(`decline_code: ${declineCode}`);
    expect(await checkStatus(intent)).toBe('requires_payment_method');
  });

  it('pm_card_authenticationRequired: confirm succeeds with requires_action', async () => {
    const intent = await createIntent();
    await confirm(intent, 'pm_card_authenticationRequired').result;
    expect(await checkStatus(intent)).toBe('requires_action');
  });

  it('a retry after a lost 500 reuses the key: Stripe replays the one confirmation', async () => {
    const intent = await createIntent();
    sandbox.stripe.addFault({
      method: 'POST',
      path: '/v1/payment_intents/:id/confirm',
      type: 'server_error',
      when: 'after',
    });
    const first = await failure(confirm(intent, 'pm_card_visa').result);
    expect(first).toMatchObject({ status: 500, retryable: true });
    const retry = confirm(intent, 'pm_card_visa', 2);
    await retry.result;
    expect(retry.execution.events.find((event) => event.type === 'node.response')).toMatchObject({
      status: 200,
      replayed: true,
    });
    expect(sandbox.stripe.state().confirmations).toHaveLength(1);
  });

  it('a 429 carries the Retry-After delay', async () => {
    const intent = await createIntent();
    sandbox.stripe.addFault({
      method: 'POST',
      path: '/v1/payment_intents/:id/confirm',
      type: 'rate_limit',
      retryAfter: 1,
    });
    expect(await failure(confirm(intent, 'pm_card_visa').result)).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 1000,
    });
  });

  it('a fallback re-entry (new visit) creates a new intent', async () => {
    const first = await createIntent(1);
    const second = await createIntent(2);
    expect(second).not.toBe(first);
    expect(sandbox.stripe.state().paymentIntents).toHaveLength(2);
  });
});
