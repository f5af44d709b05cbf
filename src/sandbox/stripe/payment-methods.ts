import { randomId, unixSeconds } from '../shared/ids.ts';
import { resourceMissing } from './errors.ts';
import type { StripeStore } from './store.ts';
import { TEST_CARDS } from './test-cards.ts';
import type { StripePaymentMethod } from './types.ts';

/**
 * Resolves a `payment_method` parameter: a test token such as `pm_card_visa` becomes a new
 * PaymentMethod (as Stripe does), an id minted earlier is reused, anything else is missing.
 */
export function resolvePaymentMethod(store: StripeStore, idOrToken: string, now: Date): StripePaymentMethod {
  const existing = store.paymentMethods.get(idOrToken);
  if (existing) return existing;
  const test = TEST_CARDS[idOrToken];
  if (!test) throw resourceMissing('PaymentMethod', idOrToken, 'payment_method');
  const method: StripePaymentMethod = {
    id: randomId('pm_1'),
    object: 'payment_method',
    type: 'card',
    card: { ...test.card, exp_month: 12, exp_year: now.getUTCFullYear() + 3 },
    created: unixSeconds(now),
    customer: null,
    livemode: false,
    metadata: {},
  };
  store.paymentMethods.set(method.id, method);
  store.outcomes.set(method.id, test.outcome);
  return method;
}
