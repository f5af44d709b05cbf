import { randomId, unixSeconds } from '../shared/ids.ts';
import { findCustomer, findPathCustomer, EMPTY_ADDRESS } from './customers.ts';
import { invalidRequest, pathObjectMissing, resourceMissing } from './errors.ts';
import { listOf } from './list.ts';
import type { Operation } from './operation.ts';
import { optionalString, requiredString } from './params.ts';
import type { StripeStore } from './store.ts';
import { nestedTemplate, objectTemplate } from './tables.ts';
import { TEST_CARDS } from './test-cards.ts';
import type { StripePaymentMethod } from './types.ts';

/**
 * Resolves a `payment_method` parameter: a test token such as `pm_card_visa` becomes a new
 * PaymentMethod (as Stripe does), an id minted earlier is reused, anything else is missing.
 */
export function resolvePaymentMethod(
  store: StripeStore,
  idOrToken: string,
  now: Date,
  param = 'payment_method',
): StripePaymentMethod {
  const existing = store.paymentMethods.get(idOrToken);
  if (existing) return existing;
  const test = TEST_CARDS[idOrToken];
  if (!test) throw resourceMissing('PaymentMethod', idOrToken, param);
  const id = randomId('pm_1');
  const method: StripePaymentMethod = {
    ...objectTemplate('payment_method'),
    id,
    object: 'payment_method',
    type: 'card',
    billing_details: { address: { ...EMPTY_ADDRESS }, email: null, name: null, phone: null },
    card: {
      ...nestedTemplate('payment_method_card'),
      ...test.card,
      exp_month: 12,
      exp_year: now.getUTCFullYear() + 3,
      display_brand: test.card.brand,
      fingerprint: randomId('', 16),
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      networks: { available: [test.card.brand], preferred: null },
      three_d_secure_usage: { supported: true },
    },
    created: unixSeconds(now),
    customer: null,
    livemode: false,
    metadata: {},
  };
  store.paymentMethods.set(id, method);
  store.outcomes.set(id, test.outcome);
  return method;
}

export const retrievePaymentMethod: Operation = ({ store, path }) => findPathMethod(store, path.payment_method);

export const attachPaymentMethod: Operation = ({ store, params, path, now, emit }) => {
  const customer = findCustomer(store, requiredString(params, 'customer'), 'customer');
  const method =
    path.payment_method in TEST_CARDS
      ? resolvePaymentMethod(store, path.payment_method, now)
      : findPathMethod(store, path.payment_method);
  if (method.customer !== null && method.customer !== customer.id) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', {
      code: 'payment_method_unexpected_state',
    });
  }
  method.customer = customer.id;
  emit('payment_method.attached', method);
  return method;
};

export const detachPaymentMethod: Operation = ({ store, path, emit }) => {
  const method = findPathMethod(store, path.payment_method);
  if (method.customer === null) {
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', {
      code: 'payment_method_unexpected_state',
    });
  }
  method.customer = null;
  emit('payment_method.detached', method);
  return method;
};

export const listPaymentMethods: Operation = ({ store, params }) => {
  const customer = optionalString(params, 'customer');
  if (customer !== undefined) findCustomer(store, customer, 'customer');
  return listOf(methodsOf(store, customer, optionalString(params, 'type')), params, '/v1/payment_methods');
};

export const listCustomerPaymentMethods: Operation = ({ store, params, path }) => {
  const customer = findPathCustomer(store, path.customer);
  const url = `/v1/customers/${customer.id}/payment_methods`;
  return listOf(methodsOf(store, customer.id, optionalString(params, 'type')), params, url);
};

function methodsOf(store: StripeStore, customer: string | undefined, type: string | undefined): StripePaymentMethod[] {
  const owned = (method: StripePaymentMethod) =>
    customer === undefined ? method.customer !== null : method.customer === customer;
  return [...store.paymentMethods.values()].filter(
    (method) => owned(method) && (type === undefined || method.type === type),
  );
}

function findPathMethod(store: StripeStore, id: string): StripePaymentMethod {
  const method = store.paymentMethods.get(id);
  if (!method) throw pathObjectMissing('PaymentMethod', id);
  return method;
}
