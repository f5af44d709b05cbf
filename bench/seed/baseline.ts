// The seed payment SOP as plain async code, no engine: the five calls of seed-calls.ts, one after another.
import { randomUUID } from 'node:crypto';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import { createSeedCalls, type SeedCallOptions } from './seed-calls.ts';

export function createBaseline(urls: SandboxUrls, options: SeedCallOptions = {}): () => Promise<void> {
  const calls = createSeedCalls(urls, options);
  return async () => {
    const runId = randomUUID();
    const customer = await calls.createCustomer(runId);
    const intent = await calls.createIntent(runId, customer.customer_id);
    const confirm = await calls.confirmPayment(runId, intent.intent_id);
    const check = await calls.checkStatus(intent.intent_id);
    if (check.status !== 'succeeded') return;
    await calls.sendReceipt({
      create_customer: customer,
      create_intent: intent,
      confirm_payment: confirm,
      check_status: check,
    });
  };
}
