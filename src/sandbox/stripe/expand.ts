import { invalidRequest } from './errors.ts';
import type { Params } from './form.ts';
import { optionalStringList } from './params.ts';
import type { StripeStore } from './store.ts';
import type { StripePaymentIntent } from './types.ts';

const EXPANDABLE = ['customer', 'payment_method'] as const;

/** Applies `expand[]=customer` / `expand[]=payment_method` to a PaymentIntent response. */
export function expandPaymentIntent(store: StripeStore, intent: StripePaymentIntent, params: Params): StripePaymentIntent {
  const fields = optionalStringList(params, 'expand');
  const copy = structuredClone(intent);
  for (const field of fields) {
    if (!(EXPANDABLE as readonly string[]).includes(field)) {
      throw invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
    }
    if (field === 'customer' && typeof copy.customer === 'string') copy.customer = store.customers.get(copy.customer) ?? copy.customer;
    if (field === 'payment_method' && typeof copy.payment_method === 'string') {
      copy.payment_method = store.paymentMethods.get(copy.payment_method) ?? copy.payment_method;
    }
  }
  return copy;
}

/** Customers have nothing the sandbox expands; asking is refused the way Stripe refuses it. */
export function refuseExpand(params: Params): void {
  const [field] = optionalStringList(params, 'expand');
  if (field !== undefined) throw invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
}
