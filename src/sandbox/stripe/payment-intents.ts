import { randomId, unixSeconds } from '../shared/ids.ts';
import { confirmIntent } from './confirm.ts';
import { findCustomer } from './customers.ts';
import { invalidRequest, resourceMissing, unexpectedState } from './errors.ts';
import { expandPaymentIntent } from './expand.ts';
import { listOf } from './list.ts';
import type { Operation, OperationContext } from './operation.ts';
import { resolvePaymentMethod } from './payment-methods.ts';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalString,
  optionalStringList,
  rejectUnknown,
  requiredInteger,
  requiredString,
} from './params.ts';
import type { PaymentIntentStatus, StripePaymentIntent } from './types.ts';

const CONFIRM_PARAMS = [
  'capture_method', 'error_on_requires_action', 'expand', 'mandate_data', 'off_session', 'payment_method',
  'payment_method_data', 'payment_method_options', 'payment_method_types', 'receipt_email', 'return_url',
  'setup_future_usage', 'shipping', 'use_stripe_sdk',
] as const;
const CREATE_PARAMS = [
  ...CONFIRM_PARAMS, 'amount', 'application_fee_amount', 'automatic_payment_methods', 'confirm', 'confirmation_method',
  'currency', 'customer', 'description', 'metadata', 'on_behalf_of', 'statement_descriptor',
  'statement_descriptor_suffix', 'transfer_data', 'transfer_group',
] as const;
const CANCELABLE: readonly PaymentIntentStatus[] = [
  'requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing',
];
const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;

export const createPaymentIntent: Operation = (context) => {
  const { store, params, now } = context;
  rejectUnknown(params, CREATE_PARAMS);
  const amount = requiredInteger(params, 'amount');
  const currency = requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}`, { param: 'currency' });
  const minimum = currency === 'usd' ? 50 : 1;
  if (amount < minimum) {
    throw invalidRequest(`Amount must be at least ${minimum} ${currency}`, { code: 'amount_too_small', param: 'amount' });
  }
  const customer = optionalString(params, 'customer');
  if (customer !== undefined) findCustomer(store, customer, 'customer');
  const paymentMethod = optionalString(params, 'payment_method');
  const methodId = paymentMethod === undefined ? null : resolvePaymentMethod(store, paymentMethod, now).id;
  const types = optionalStringList(params, 'payment_method_types');
  const id = randomId('pi_3', 23);
  const intent: StripePaymentIntent = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    automatic_payment_methods: types.length > 0 ? null : { enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: optionalEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual']) ?? 'automatic_async',
    client_secret: `${id}_secret_${randomId('', 25)}`,
    confirmation_method: optionalEnum(params, 'confirmation_method', ['automatic', 'manual']) ?? 'automatic',
    created: unixSeconds(now),
    currency,
    customer: customer ?? null,
    description: optionalString(params, 'description') ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: applyMetadata({}, params),
    next_action: null,
    payment_method: methodId,
    payment_method_types: types.length > 0 ? types : ['card'],
    receipt_email: optionalString(params, 'receipt_email') ?? null,
    status: methodId === null ? 'requires_payment_method' : 'requires_confirmation',
  };
  store.paymentIntents.set(id, intent);
  if (optionalBoolean(params, 'confirm') === true) confirmWithParams(context, intent);
  return expandPaymentIntent(store, intent, params);
};

export const retrievePaymentIntent: Operation = (context) => {
  rejectUnknown(context.params, ['client_secret', 'expand']);
  return expandPaymentIntent(context.store, findIntent(context), context.params);
};

export const listPaymentIntents: Operation = ({ store, params }) => {
  rejectUnknown(params, ['created', 'customer', 'ending_before', 'expand', 'limit', 'starting_after']);
  const customer = optionalString(params, 'customer');
  const all = [...store.paymentIntents.values()].filter((intent) => customer === undefined || intent.customer === customer);
  return listOf(all, params, '/v1/payment_intents');
};

export const confirmPaymentIntent: Operation = (context) => {
  rejectUnknown(context.params, CONFIRM_PARAMS);
  const intent = findIntent(context);
  confirmWithParams(context, intent);
  return expandPaymentIntent(context.store, intent, context.params);
};

export const cancelPaymentIntent: Operation = (context) => {
  rejectUnknown(context.params, ['cancellation_reason', 'expand']);
  const intent = findIntent(context);
  const reason = optionalEnum(context.params, 'cancellation_reason', CANCELLATION_REASONS);
  if (!CANCELABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  Object.assign(intent, {
    status: 'canceled',
    canceled_at: unixSeconds(context.now),
    cancellation_reason: reason ?? null,
    next_action: null,
  } satisfies Partial<StripePaymentIntent>);
  return expandPaymentIntent(context.store, intent, context.params);
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

function findIntent({ store, path }: OperationContext): StripePaymentIntent {
  const intent = store.paymentIntents.get(path.id);
  if (!intent) throw resourceMissing('payment_intent', path.id, 'intent');
  return intent;
}
