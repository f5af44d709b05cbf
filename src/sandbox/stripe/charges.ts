import { randomId, unixSeconds } from '../shared/ids.ts';
import { pathObjectMissing } from './errors.ts';
import { listOf } from './list.ts';
import type { Operation, OperationContext } from './operation.ts';
import { optionalString } from './params.ts';
import { nestedTemplate, objectTemplate } from './tables.ts';
import type { CardOutcome } from './test-cards.ts';
import type { StripeCharge, StripePaymentIntent, StripePaymentMethod } from './types.ts';

type Decline = Extract<CardOutcome, { kind: 'decline' }>;

/** The charge a confirmation makes: succeeded (captured unless manual capture) or failed with the decline. */
export function createCharge(
  context: OperationContext,
  intent: StripePaymentIntent,
  method: StripePaymentMethod,
  decline?: Decline,
): StripeCharge {
  const captured = !decline && intent.capture_method !== 'manual';
  const id = randomId('ch_3', 23);
  const charge: StripeCharge = {
    ...objectTemplate('charge'),
    id,
    object: 'charge',
    amount: intent.amount,
    amount_captured: captured ? intent.amount : 0,
    amount_refunded: 0,
    balance_transaction: captured ? randomId('txn_3', 23) : null,
    billing_details: structuredClone(method.billing_details),
    calculated_statement_descriptor: 'SOPSTATE SANDBOX',
    captured,
    created: unixSeconds(context.now),
    currency: intent.currency,
    customer: typeof intent.customer === 'string' ? intent.customer : null,
    description: intent.description,
    failure_code: decline ? decline.code : null,
    failure_message: decline ? decline.message : null,
    fraud_details: {},
    metadata: structuredClone(intent.metadata),
    outcome: outcome(decline),
    paid: !decline,
    payment_intent: intent.id,
    payment_method: method.id,
    payment_method_details: { type: 'card', card: cardDetails(intent, method, decline) },
    radar_options: {},
    receipt_email: intent.receipt_email,
    receipt_url: decline ? null : `https://pay.stripe.com/receipts/payment/${randomId('', 40)}`,
    refunded: false,
    status: decline ? 'failed' : 'succeeded',
  };
  context.store.charges.set(id, charge);
  context.emit(decline ? 'charge.failed' : 'charge.succeeded', charge);
  return charge;
}

export const retrieveCharge: Operation = ({ store, path }) => {
  const charge = store.charges.get(path.charge);
  if (!charge) throw pathObjectMissing('charge', path.charge);
  return charge;
};

export const listCharges: Operation = ({ store, params }) => {
  const customer = optionalString(params, 'customer');
  const intent = optionalString(params, 'payment_intent');
  const all = [...store.charges.values()].filter(
    (charge) =>
      (customer === undefined || charge.customer === customer) &&
      (intent === undefined || charge.payment_intent === intent),
  );
  return listOf(all, params, '/v1/charges');
};

function outcome(decline: Decline | undefined): Record<string, unknown> {
  if (!decline) {
    return {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: 'Payment complete.',
      type: 'authorized',
    };
  }
  return {
    network_status: 'declined_by_network',
    reason: decline.declineCode,
    risk_level: 'normal',
    risk_score: 32,
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}

function cardDetails(intent: StripePaymentIntent, method: StripePaymentMethod, decline: Decline | undefined) {
  const { brand, country, exp_month, exp_year, fingerprint, funding, last4 } = method.card;
  return {
    ...nestedTemplate('payment_method_details_card'),
    amount_authorized: decline ? null : intent.amount,
    brand,
    country,
    exp_month,
    exp_year,
    fingerprint,
    funding,
    last4,
    capture_before: unixSeconds() + 7 * 24 * 3600,
    checks: method.card.checks,
    network: brand,
    overcapture: { maximum_amount_capturable: intent.amount, status: 'unavailable' },
  };
}
