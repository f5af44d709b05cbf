import { randomId, unixSeconds } from '../shared/ids.ts';
import { invalidRequest, pathObjectMissing, resourceMissing } from './errors.ts';
import { listOf } from './list.ts';
import type { Operation, OperationContext } from './operation.ts';
import { applyMetadata, optionalInteger, optionalString } from './params.ts';
import { objectTemplate } from './tables.ts';
import type { StripeCharge, StripeRefund } from './types.ts';

/** Refunds all of a charge's unrefunded amount, or `amount` of it; the charge's totals follow. */
export const createRefund: Operation = (context) => {
  const { store, params, now } = context;
  const charge = chargeToRefund(context);
  if (charge.refunded) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  if (!charge.captured) {
    throw invalidRequest(
      `Charge ${charge.id} has not been captured; cancel its PaymentIntent to release the authorization instead.`,
      { code: 'charge_not_refundable' },
    );
  }
  // A partial capture released the rest: it counts as refunded, as on Stripe's charge.
  const left = charge.amount - charge.amount_refunded;
  const amount = optionalInteger(params, 'amount') ?? left;
  if (amount < 1) throw invalidRequest('Refund amount must be a positive integer.', { param: 'amount' });
  if (amount > left) {
    throw invalidRequest(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(left, charge.currency)})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const id = randomId('re_3', 23);
  const refund: StripeRefund = {
    ...objectTemplate('refund'),
    id,
    object: 'refund',
    amount,
    balance_transaction: randomId('txn_3', 23),
    charge: charge.id,
    created: unixSeconds(now),
    currency: charge.currency,
    destination_details: {
      type: 'card',
      card: {
        reference: randomId('', 23),
        reference_status: 'pending',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      },
    },
    metadata: applyMetadata({}, params),
    payment_intent: charge.payment_intent,
    reason: optionalString(params, 'reason') ?? null,
    status: 'succeeded',
  };
  store.refunds.set(id, refund);
  Object.assign(charge, {
    amount_refunded: charge.amount_refunded + amount,
    refunded: charge.amount_refunded + amount === charge.amount,
  } satisfies Partial<StripeCharge>);
  context.emit('refund.created', refund);
  context.emit('charge.refunded', charge);
  return refund;
};

export const retrieveRefund: Operation = ({ store, path }) => {
  const refund = store.refunds.get(path.refund);
  if (!refund) throw pathObjectMissing('refund', path.refund);
  return refund;
};

export const listRefunds: Operation = ({ store, params }) => {
  const charge = optionalString(params, 'charge');
  const intent = optionalString(params, 'payment_intent');
  const all = [...store.refunds.values()].filter(
    (refund) =>
      (charge === undefined || refund.charge === charge) && (intent === undefined || refund.payment_intent === intent),
  );
  return listOf(all, params, '/v1/refunds');
};

function chargeToRefund({ store, params }: OperationContext): StripeCharge {
  const chargeId = optionalString(params, 'charge');
  const intentId = optionalString(params, 'payment_intent');
  if (chargeId === undefined && intentId === undefined) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  }
  if (chargeId !== undefined) {
    const charge = store.charges.get(chargeId);
    if (!charge) throw resourceMissing('charge', chargeId, 'charge');
    return charge;
  }
  const intent = store.paymentIntents.get(intentId!);
  if (!intent) throw resourceMissing('payment_intent', intentId!, 'payment_intent');
  const charge = typeof intent.latest_charge === 'string' ? store.charges.get(intent.latest_charge) : undefined;
  if (!charge || charge.status !== 'succeeded') {
    throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
      code: 'charge_not_refundable',
      param: 'payment_intent',
    });
  }
  return charge;
}

function money(amount: number, currency: string): string {
  const symbol = currency === 'usd' ? '$' : `${currency.toUpperCase()} `;
  return `${symbol}${(amount / 100).toFixed(2)}`;
}
