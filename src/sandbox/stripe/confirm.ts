import { appendCall } from '../shared/call-log.ts';
import { randomId } from '../shared/ids.ts';
import { createCharge } from './charges.ts';
import { invalidRequest, StripeHttpError, unexpectedState } from './errors.ts';
import type { OperationContext } from './operation.ts';
import { resolvePaymentMethod } from './payment-methods.ts';
import type { CardOutcome } from './test-cards.ts';
import type {
  ConfirmationRecord,
  PaymentIntentStatus,
  StripeErrorObject,
  StripePaymentIntent,
  StripePaymentMethod,
} from './types.ts';

const CONFIRMABLE: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

export interface ConfirmOptions {
  paymentMethod?: string;
  returnUrl?: string;
  errorOnRequiresAction?: boolean;
}

/**
 * Confirms an intent with its test card: succeeded (or requires_capture), requires_action, or a
 * decline that puts the intent back to requires_payment_method and answers 402 card_error.
 */
export function confirmIntent(
  context: OperationContext,
  intent: StripePaymentIntent,
  options: ConfirmOptions,
): StripePaymentIntent {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
    );
  }
  const requested =
    options.paymentMethod ?? (typeof intent.payment_method === 'string' ? intent.payment_method : undefined);
  if (requested === undefined) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      { code: 'payment_intent_unexpected_state', param: 'payment_method' },
    );
  }
  const method = resolvePaymentMethod(context.store, requested, context.now);
  const outcome = context.store.outcomes.get(method.id) ?? { kind: 'succeed' };
  const effective: CardOutcome =
    outcome.kind === 'authenticate' && options.errorOnRequiresAction
      ? {
          kind: 'decline',
          code: 'authentication_required',
          declineCode: 'authentication_required',
          message: 'Your card was declined. This transaction requires authentication.',
        }
      : outcome;
  switch (effective.kind) {
    case 'succeed':
      succeed(context, intent, method);
      break;
    case 'authenticate':
      requireAction(intent, method, options.returnUrl);
      break;
    case 'decline':
      return decline(context, intent, method, requested, effective);
  }
  // Here the status is one of succeeded, requires_capture, requires_action.
  record(context, intent, requested, intent.status as ConfirmationRecord['outcome'], null);
  const eventType: Partial<Record<PaymentIntentStatus, string>> = {
    succeeded: 'payment_intent.succeeded',
    requires_capture: 'payment_intent.amount_capturable_updated',
  };
  context.emit(eventType[intent.status] ?? 'payment_intent.requires_action', intent);
  return intent;
}

function succeed(context: OperationContext, intent: StripePaymentIntent, method: StripePaymentMethod): void {
  const manual = intent.capture_method === 'manual';
  const charge = createCharge(context, intent, method);
  Object.assign(intent, {
    status: manual ? 'requires_capture' : 'succeeded',
    amount_received: manual ? 0 : intent.amount,
    amount_capturable: manual ? intent.amount : 0,
    payment_method: method.id,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
  } satisfies Partial<StripePaymentIntent>);
}

function requireAction(intent: StripePaymentIntent, method: StripePaymentMethod, returnUrl: string | undefined): void {
  const nextAction = returnUrl
    ? {
        type: 'redirect_to_url',
        redirect_to_url: { url: `https://hooks.stripe.com/3d_secure_2/hosted/${intent.id}`, return_url: returnUrl },
      }
    : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', source: randomId('src_1') } };
  Object.assign(intent, {
    status: 'requires_action',
    payment_method: method.id,
    next_action: nextAction,
    last_payment_error: null,
  });
}

function decline(
  context: OperationContext,
  intent: StripePaymentIntent,
  method: StripePaymentMethod,
  requested: string,
  outcome: Extract<CardOutcome, { kind: 'decline' }>,
): never {
  const charge = createCharge(context, intent, method, outcome).id;
  const error: StripeErrorObject = {
    type: 'card_error',
    code: outcome.code,
    decline_code: outcome.declineCode,
    message: outcome.message,
    doc_url: `https://stripe.com/docs/error-codes/${outcome.code.replaceAll('_', '-')}`,
    charge,
    payment_method: structuredClone(method),
  };
  Object.assign(intent, {
    status: 'requires_payment_method',
    payment_method: null,
    latest_charge: charge,
    last_payment_error: error,
    next_action: null,
  } satisfies Partial<StripePaymentIntent>);
  record(context, intent, requested, 'declined', outcome.declineCode);
  context.emit('payment_intent.payment_failed', intent);
  throw new StripeHttpError(402, {
    ...error,
    payment_intent: structuredClone(intent),
    request_log_url: `https://dashboard.stripe.com/test/logs/${intent.id}`,
  });
}

function record(
  context: OperationContext,
  intent: StripePaymentIntent,
  paymentMethod: string,
  outcome: ConfirmationRecord['outcome'],
  declineCode: string | null,
): void {
  appendCall(context.store.confirmations, {
    paymentIntent: intent.id,
    paymentMethod,
    outcome,
    declineCode,
    idempotencyKey: context.idempotencyKey,
    at: context.now.toISOString(),
  });
}
