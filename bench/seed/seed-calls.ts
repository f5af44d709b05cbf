// The seed payment SOP's five calls written by hand: four Stripe calls with openapi-fetch (typed by
// @opensdks/sdk-stripe) and the same streamed Claude receipt with @anthropic-ai/sdk. Both baselines (plain async code
// and a hand-written XState machine) make exactly these calls, so they differ from sopstate only in what runs them.
import Anthropic from '@anthropic-ai/sdk';
import createClient from 'openapi-fetch';
import type { paths } from '@opensdks/sdk-stripe/stripe.oas.types';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import type { FetchLike } from '../../src/adapters/api/http.ts';
import { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY } from '../../src/sandbox/keys.ts';

const formBody = (body: unknown): string => new URLSearchParams(body as Record<string, string>).toString();

/** What the engine stores per api node (and so what the receipt prompt shows): the body, the status, the mapped fields. */
interface Envelope {
  data: unknown;
  status: number;
}

function expectOk<T>(result: { data?: T; error?: unknown; response: Response }, call: string): T {
  if (!result.response.ok || result.data === undefined)
    throw new Error(`${call} answered ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

export interface SeedCallOptions {
  /** Routes every request (the heap measurement parks runs at the Claude call with it). */
  fetch?: FetchLike;
}

/** Each call's result as the engine would store it: the envelope, plus the ids the next call needs. */
export interface SeedCalls {
  createCustomer(runId: string): Promise<Envelope & { customer_id: string }>;
  createIntent(runId: string, customerId: string): Promise<Envelope & { intent_id: string }>;
  confirmPayment(runId: string, intentId: string): Promise<Envelope>;
  checkStatus(intentId: string): Promise<{ data: unknown; status: string }>;
  /** The streamed receipt over the four results; rejects when it comes back empty. */
  sendReceipt(outputs: Record<string, unknown>): Promise<string>;
}

export function createSeedCalls(urls: SandboxUrls, options: SeedCallOptions = {}): SeedCalls {
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

  return {
    async createCustomer(runId) {
      const customer = await stripe.POST('/v1/customers', {
        body: { email: 'user@example.com', name: 'John Doe' },
        headers: key(runId, 'create_customer'),
      });
      const data = expectOk(customer, 'create customer');
      return { data, status: customer.response.status, customer_id: data.id };
    },
    async createIntent(runId, customerId) {
      const intent = await stripe.POST('/v1/payment_intents', {
        body: { amount: 2000, currency: 'usd', customer: customerId },
        headers: key(runId, 'create_intent'),
      });
      const data = expectOk(intent, 'create intent');
      return { data, status: intent.response.status, intent_id: data.id, client_secret: data.client_secret };
    },
    async confirmPayment(runId, intentId) {
      const confirm = await stripe.POST('/v1/payment_intents/{intent}/confirm', {
        params: { path: { intent: intentId } },
        body: { payment_method: 'pm_card_visa' },
        headers: key(runId, 'confirm_payment'),
      });
      return { data: expectOk(confirm, 'confirm intent'), status: confirm.response.status };
    },
    async checkStatus(intentId) {
      const check = await stripe.GET('/v1/payment_intents/{intent}', { params: { path: { intent: intentId } } });
      const data = expectOk(check, 'retrieve intent');
      // The mapped `status` (the intent's) overrides the HTTP one, as in the engine's outputs.
      return { data, status: data.status };
    },
    async sendReceipt(outputs) {
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
      return receipt;
    },
  };
}
