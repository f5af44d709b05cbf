import { randomId, unixSeconds } from '../shared/ids.ts';
import { confirmIntent } from './confirm.ts';
import { findCustomer } from './customers.ts';
import { invalidRequest, pathObjectMissing, unexpectedState } from './errors.ts';
import { listOf } from './list.ts';
import type { Operation, OperationContext } from './operation.ts';
import { resolvePaymentMethod } from './payment-methods.ts';
import {
  applyMetadata,
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalStringList,
  requiredInteger,
  requiredString,
} from './params.ts';
import { objectTemplate } from './tables.ts';
import type { PaymentIntentStatus, StripeCharge, StripePaymentIntent } from './types.ts';

const CANCELABLE: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];
const COPIED = [
  'description',
  'receipt_email',
  'setup_future_usage',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_group',
] as const;
type CaptureMethod = StripePaymentIntent['capture_method'];
type ConfirmationMethod = StripePaymentIntent['confirmation_method'];

export const createPaymentIntent: Operation = (context) => {
  const { store, params, now } = context;
  const amount = requiredInteger(params, 'amount');
  const currency = requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}`, { param: 'currency' });
  const minimum = currency === 'usd' ? 50 : 1;
  if (amount < minimum) {
    throw invalidRequest(`Amount must be at least ${minimum} ${currency}`, {
      code: 'amount_too_small',
      param: 'amount',
    });
  }
  const customer = optionalString(params, 'customer');
  if (customer !== undefined) findCustomer(store, customer, 'customer');
  const paymentMethod = optionalString(params, 'payment_method');
  const methodId = paymentMethod === undefined ? null : resolvePaymentMethod(store, paymentMethod, now).id;
  const types = optionalStringList(params, 'payment_method_types');
  const id = randomId('pi_3', 23);
  const intent: StripePaymentIntent = {
    ...objectTemplate('payment_intent'),
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    automatic_payment_methods: types.length > 0 ? null : { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: (optionalString(params, 'capture_method') as CaptureMethod | undefined) ?? 'automatic_async',
    client_secret: `${id}_secret_${randomId('', 25)}`,
    confirmation_method:
      (optionalString(params, 'confirmation_method') as ConfirmationMethod | undefined) ?? 'automatic',
    created: unixSeconds(now),
    currency,
    customer: customer ?? null,
    description: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: applyMetadata({}, params),
    next_action: null,
    payment_method: methodId,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: types.length > 0 ? types : ['card'],
    receipt_email: null,
    status: methodId === null ? 'requires_payment_method' : 'requires_confirmation',
  };
  for (const key of COPIED) if (typeof params[key] === 'string') intent[key] = params[key];
  store.paymentIntents.set(id, intent);
  context.emit('payment_intent.created', intent);
  if (optionalBoolean(params, 'confirm') === true) confirmWithParams(context, intent);
  return intent;
};

export const retrievePaymentIntent: Operation = (context) => findIntent(context);

export const listPaymentIntents: Operation = ({ store, params }) => {
  const customer = optionalString(params, 'customer');
  const all = [...store.paymentIntents.values()].filter(
    (intent) => customer === undefined || intent.customer === customer,
  );
  return listOf(all, params, '/v1/payment_intents');
};

export const confirmPaymentIntent: Operation = (context) => {
  const intent = findIntent(context);
  const captureMethod = optionalString(context.params, 'capture_method');
  if (captureMethod !== undefined) intent.capture_method = captureMethod as StripePaymentIntent['capture_method'];
  confirmWithParams(context, intent);
  return intent;
};

/** Captures an authorized (`requires_capture`) intent, all of it or `amount_to_capture`; the rest is released. */
export const capturePaymentIntent: Operation = (context) => {
  const intent = findIntent(context);
  if (intent.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const amount = optionalInteger(context.params, 'amount_to_capture') ?? intent.amount_capturable;
  if (amount > intent.amount_capturable) {
    throw invalidRequest(
      `The amount to capture (${amount}) must be less than or equal to the PaymentIntent's amount_capturable (${intent.amount_capturable}).`,
      { code: 'amount_too_large', param: 'amount_to_capture' },
    );
  }
  const charge = latestCharge(context, intent);
  Object.assign(charge, {
    captured: true,
    amount_captured: amount,
    amount_refunded: charge.amount - amount,
    balance_transaction: randomId('txn_3', 23),
  } satisfies Partial<StripeCharge>);
  const captured = {
    status: 'succeeded',
    amount_received: amount,
    amount_capturable: 0,
  } satisfies Partial<StripePaymentIntent>;
  Object.assign(intent, captured);
  context.emit('charge.captured', charge);
  context.emit('payment_intent.succeeded', intent);
  return intent;
};

export const cancelPaymentIntent: Operation = (context) => {
  const intent = findIntent(context);
  if (!CANCELABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  if (intent.status === 'requires_capture') {
    const charge = latestCharge(context, intent);
    Object.assign(charge, { amount_refunded: charge.amount, refunded: true } satisfies Partial<StripeCharge>);
    context.emit('charge.refunded', charge);
  }
  Object.assign(intent, {
    status: 'canceled',
    amount_capturable: 0,
    canceled_at: unixSeconds(context.now),
    cancellation_reason: optionalString(context.params, 'cancellation_reason') ?? null,
    next_action: null,
  } satisfies Partial<StripePaymentIntent>);
  context.emit('payment_intent.canceled', intent);
  return intent;
};

function confirmWithParams(context: OperationContext, intent: StripePaymentIntent): void {
  const { params } = context;
  const receiptEmail = optionalString(params, 'receipt_email');
  if (receiptEmail !== undefined) intent.receipt_email = receiptEmail;
  confirmIntent(context, intent, {
    paymentMethod: optionalString(params, 'payment_method'),
    returnUrl: optionalString(params, 'return_url'),
    errorOnRequiresAction: optionalBoolean(params, 'error_on_requires_action'),
  });
}

function latestCharge({ store }: OperationContext, intent: StripePaymentIntent): StripeCharge {
  const charge = typeof intent.latest_charge === 'string' ? store.charges.get(intent.latest_charge) : undefined;
  if (!charge) throw new Error(`payment intent ${intent.id} in ${intent.status} has no charge`);
  return charge;
}

function findIntent({ store, path }: OperationContext): StripePaymentIntent {
  const intent = store.paymentIntents.get(path.intent);
  if (!intent) throw pathObjectMissing('payment_intent', path.intent);
  return intent;
}
