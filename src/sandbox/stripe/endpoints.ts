import { listCharges, retrieveCharge } from './charges.ts';
import { createCustomer, listCustomers, retrieveCustomer, updateCustomer } from './customers.ts';
import { listEvents, retrieveEvent } from './events.ts';
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  listPaymentIntents,
  retrievePaymentIntent,
} from './payment-intents.ts';
import {
  attachPaymentMethod,
  detachPaymentMethod,
  listCustomerPaymentMethods,
  listPaymentMethods,
  retrievePaymentMethod,
} from './payment-methods.ts';
import type { Endpoint } from './pipeline.ts';
import { createRefund, listRefunds, retrieveRefund } from './refunds.ts';
import { confirmSetupIntent, createSetupIntent, retrieveSetupIntent } from './setup-intents.ts';
import type { EmulatedOperation } from './tables.ts';
import type { Operation } from './operation.ts';

/** Every emulated operation of Stripe's description and the handler answering it. */
const HANDLERS: Record<EmulatedOperation, Operation> = {
  'POST /v1/customers': createCustomer,
  'GET /v1/customers': listCustomers,
  'GET /v1/customers/{customer}': retrieveCustomer,
  'POST /v1/customers/{customer}': updateCustomer,
  'GET /v1/customers/{customer}/payment_methods': listCustomerPaymentMethods,
  'POST /v1/payment_intents': createPaymentIntent,
  'GET /v1/payment_intents': listPaymentIntents,
  'GET /v1/payment_intents/{intent}': retrievePaymentIntent,
  'POST /v1/payment_intents/{intent}/confirm': confirmPaymentIntent,
  'POST /v1/payment_intents/{intent}/cancel': cancelPaymentIntent,
  'POST /v1/payment_intents/{intent}/capture': capturePaymentIntent,
  'GET /v1/charges': listCharges,
  'GET /v1/charges/{charge}': retrieveCharge,
  'POST /v1/refunds': createRefund,
  'GET /v1/refunds': listRefunds,
  'GET /v1/refunds/{refund}': retrieveRefund,
  'GET /v1/payment_methods': listPaymentMethods,
  'GET /v1/payment_methods/{payment_method}': retrievePaymentMethod,
  'POST /v1/payment_methods/{payment_method}/attach': attachPaymentMethod,
  'POST /v1/payment_methods/{payment_method}/detach': detachPaymentMethod,
  'POST /v1/setup_intents': createSetupIntent,
  'GET /v1/setup_intents/{intent}': retrieveSetupIntent,
  'POST /v1/setup_intents/{intent}/confirm': confirmSetupIntent,
  'GET /v1/events': listEvents,
  'GET /v1/events/{id}': retrieveEvent,
};

export const STRIPE_ENDPOINTS: Endpoint[] = Object.entries(HANDLERS).map(([key, operation]) => ({
  key: key as EmulatedOperation,
  operation,
}));
