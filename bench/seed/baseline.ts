// The seed payment SOP written by hand, no engine: four Stripe calls with openapi-fetch (typed by
// @opensdks/sdk-stripe) and the same streamed Claude receipt with @anthropic-ai/sdk.
import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import createClient from 'openapi-fetch';
import type { paths } from '@opensdks/sdk-stripe/stripe.oas.types';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import type { FetchLike } from '../../src/adapters/api/http.ts';
import { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY } from '../../src/sandbox/keys.ts';

const formBody = (body: unknown): string => new URLSearchParams(body as Record<string, string>).toString();

/** What the engine stores per api node (and so what the receipt prompt shows): the body, the status, the mapped fields. */
const envelope = (data: unknown, response: Response, mapped: Record<string, unknown>) => ({
  data,
  status: response.status,
  ...mapped,
});

function expectOk<T>(result: { data?: T; error?: unknown; response: Response }, call: string): T {
  if (!result.response.ok || result.data === undefined)
    throw new Error(`${call} answered ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

export interface BaselineOptions {
  /** Routes every request (the heap measurement parks runs at the Claude call with it). */
  fetch?: FetchLike;
}

export function createBaseline(urls: SandboxUrls, options: BaselineOptions = {}): () => Promise<void> {
  const stripe = createClient<paths>({
    baseUrl: urls.stripeUrl,
    headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}`, 'Stripe-Version': '2024-04-10' },
    bodySerializer: formBody,
    fetch: options.fetch,
  });
  const anthropic = new Anthropic({
    apiKey: SANDBOX_ANTHROPIC_KEY,
    baseURL: urls.anthropicUrl,
    maxRetries: 0,
    logLevel: 'off',
    fetch: options.fetch,
  });
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const key = (runId: string, step: string) => ({ ...form, 'Idempotency-Key': `${runId}:${step}:1` });

  return async () => {
    const runId = randomUUID();
    const customer = await stripe.POST('/v1/customers', {
      body: { email: 'user@example.com', name: 'John Doe' },
      headers: key(runId, 'create_customer'),
    });
    const customerData = expectOk(customer, 'create customer');
    const intent = await stripe.POST('/v1/payment_intents', {
      body: { amount: 2000, currency: 'usd', customer: customerData.id },
      headers: key(runId, 'create_intent'),
    });
    const intentData = expectOk(intent, 'create intent');
    const confirm = await stripe.POST('/v1/payment_intents/{intent}/confirm', {
      params: { path: { intent: intentData.id } },
      body: { payment_method: 'pm_card_visa' },
      headers: key(runId, 'confirm_payment'),
    });
    const confirmData = expectOk(confirm, 'confirm intent');
    const check = await stripe.GET('/v1/payment_intents/{intent}', { params: { path: { intent: intentData.id } } });
    const checkData = expectOk(check, 'retrieve intent');
    if (checkData.status !== 'succeeded') return;

    const outputs = {
      create_customer: envelope(customerData, customer.response, { customer_id: customerData.id }),
      create_intent: envelope(intentData, intent.response, {
        intent_id: intentData.id,
        client_secret: intentData.client_secret,
      }),
      confirm_payment: envelope(confirmData, confirm.response, {}),
      check_status: envelope(checkData, check.response, { status: checkData.status }),
    };
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      system: 'Generate a payment receipt email. Be concise and professional.',
      messages: [{ role: 'user', content: JSON.stringify({ inputs: {}, outputs }, null, 2) }],
    });
    let receipt = '';
    stream.on('text', (text) => (receipt += text));
    await stream.finalMessage();
    if (receipt === '') throw new Error('the receipt came back empty');
  };
}
