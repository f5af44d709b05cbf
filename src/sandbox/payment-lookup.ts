import type { PaymentDetails, PaymentLookup } from './anthropic/payment-details.ts';
import type { StripeEmulator } from './stripe/app.ts';

/** Lets the Claude sandbox name the amount, currency and email of an intent it only sees by id. */
export function stripePaymentLookup(stripe: StripeEmulator): PaymentLookup {
  return (paymentIntentId) => {
    const intent = stripe.paymentIntent(paymentIntentId);
    if (!intent) return undefined;
    const customerId = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
    const customer = customerId ? stripe.customer(customerId) : undefined;
    const details: PaymentDetails = {
      amount: intent.amount,
      currency: intent.currency,
      paymentIntent: intent.id,
      customer: customerId,
      email: customer?.email ?? intent.receipt_email ?? undefined,
      name: customer?.name ?? undefined,
      status: intent.status,
    };
    return details;
  };
}
