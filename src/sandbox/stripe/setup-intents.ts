import { randomId, unixSeconds } from '../shared/ids.ts';
import { findCustomer } from './customers.ts';
import { invalidRequest, pathObjectMissing, StripeHttpError } from './errors.ts';
import type { Operation, OperationContext } from './operation.ts';
import { resolvePaymentMethod } from './payment-methods.ts';
import { applyMetadata, optionalBoolean, optionalString, optionalStringList } from './params.ts';
import { objectTemplate } from './tables.ts';
import type { SetupIntentStatus, StripeSetupIntent } from './types.ts';

const CONFIRMABLE: readonly SetupIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

export const createSetupIntent: Operation = (context) => {
  const { store, params, now } = context;
  const customer = optionalString(params, 'customer');
  if (customer !== undefined) findCustomer(store, customer, 'customer');
  const token = optionalString(params, 'payment_method');
  const method = token === undefined ? null : resolvePaymentMethod(store, token, now).id;
  const types = optionalStringList(params, 'payment_method_types');
  const id = randomId('seti_1', 24);
  const intent: StripeSetupIntent = {
    ...objectTemplate('setup_intent'),
    id,
    object: 'setup_intent',
    automatic_payment_methods: types.length > 0 ? null : { allow_redirects: 'always', enabled: true },
    client_secret: `${id}_secret_${randomId('', 25)}`,
    created: unixSeconds(now),
    customer: customer ?? null,
    description: optionalString(params, 'description') ?? null,
    flow_directions: null,
    livemode: false,
    metadata: applyMetadata({}, params),
    payment_method: method,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: types.length > 0 ? types : ['card'],
    status: method === null ? 'requires_payment_method' : 'requires_confirmation',
    usage: optionalString(params, 'usage') ?? 'off_session',
  };
  store.setupIntents.set(id, intent);
  context.emit('setup_intent.created', intent);
  if (optionalBoolean(params, 'confirm') === true) confirmSetup(context, intent);
  return intent;
};

export const retrieveSetupIntent: Operation = (context) => findSetupIntent(context);

export const confirmSetupIntent: Operation = (context) => {
  const intent = findSetupIntent(context);
  confirmSetup(context, intent);
  return intent;
};

/** Saves the card: succeeded (attached to the customer), requires_action for 3DS cards, a 402 for declines. */
function confirmSetup(context: OperationContext, intent: StripeSetupIntent): void {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has a status of ${intent.status}. Only a SetupIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
      { code: 'setup_intent_unexpected_state' },
    );
  }
  const requested = optionalString(context.params, 'payment_method') ?? intent.payment_method ?? undefined;
  if (requested === undefined) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      { code: 'setup_intent_unexpected_state', param: 'payment_method' },
    );
  }
  const method = resolvePaymentMethod(context.store, requested, context.now);
  const outcome = context.store.outcomes.get(method.id) ?? { kind: 'succeed' };
  // This test card asks for authentication when saved, not when charged later.
  const onSetup = requested === 'pm_card_authenticationRequiredOnSetup';
  const setupOutcome = onSetup ? { kind: 'authenticate' as const } : outcome;
  intent.payment_method = method.id;
  intent.latest_attempt = randomId('setatt_1', 24);
  if (setupOutcome.kind === 'decline') {
    const { code, declineCode, message } = setupOutcome;
    const error = { type: 'card_error' as const, code, decline_code: declineCode, message };
    Object.assign(intent, { status: 'requires_payment_method', payment_method: null, last_setup_error: error });
    context.emit('setup_intent.setup_failed', intent);
    throw new StripeHttpError(402, { ...error, setup_intent: structuredClone(intent) });
  }
  if (setupOutcome.kind === 'authenticate') {
    Object.assign(intent, {
      status: 'requires_action',
      next_action: {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', source: randomId('src_1') },
      },
    });
    context.emit('setup_intent.requires_action', intent);
    return;
  }
  Object.assign(intent, { status: 'succeeded', next_action: null, last_setup_error: null });
  if (intent.customer !== null) method.customer = intent.customer;
  context.emit('setup_intent.succeeded', intent);
}

function findSetupIntent({ store, path }: OperationContext): StripeSetupIntent {
  const intent = store.setupIntents.get(path.intent);
  if (!intent) throw pathObjectMissing('setup_intent', path.intent);
  return intent;
}
