import { randomId, unixSeconds } from '../shared/ids.ts';
import { pathObjectMissing, resourceMissing } from './errors.ts';
import { listOf } from './list.ts';
import type { Operation } from './operation.ts';
import { applyMetadata, optionalString, optionalStringList } from './params.ts';
import type { StripeStore } from './store.ts';
import { objectTemplate } from './tables.ts';
import type { StripeCustomer } from './types.ts';

export const EMPTY_ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

/** Parameters copied onto the customer as given (the request schema has already checked them). */
const COPIED = ['address', 'description', 'email', 'name', 'phone', 'shipping'] as const;

export const createCustomer: Operation = ({ store, params, now, emit }) => {
  const id = randomId('cus_', 14);
  const customer: StripeCustomer = {
    ...objectTemplate('customer'),
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: unixSeconds(now),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: null,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    tax_exempt: 'none',
    test_clock: null,
  };
  updateFields(store, customer, params);
  store.customers.set(id, customer);
  emit('customer.created', customer);
  return customer;
};

export const updateCustomer: Operation = ({ store, params, path, emit }) => {
  const customer = findPathCustomer(store, path.customer);
  const before = structuredClone(customer);
  updateFields(store, customer, params);
  const changed = Object.keys(params).filter((key) => key in before);
  const previous = Object.fromEntries(changed.map((key) => [key, before[key]]));
  emit('customer.updated', customer, previous);
  return customer;
};

export const retrieveCustomer: Operation = ({ store, path }) => findPathCustomer(store, path.customer);

export const listCustomers: Operation = ({ store, params }) => {
  const email = optionalString(params, 'email');
  const all = [...store.customers.values()].filter((customer) => email === undefined || customer.email === email);
  return listOf(all, params, '/v1/customers');
};

export function findCustomer(store: StripeStore, id: string, param: string): StripeCustomer {
  const customer = store.customers.get(id);
  if (!customer) throw resourceMissing('customer', id, param);
  return customer;
}

export function findPathCustomer(store: StripeStore, id: string): StripeCustomer {
  const customer = store.customers.get(id);
  if (!customer) throw pathObjectMissing('customer', id);
  return customer;
}

function updateFields(store: StripeStore, customer: StripeCustomer, params: Record<string, unknown>): void {
  for (const key of COPIED) {
    const value = params[key];
    if (value === undefined) continue;
    if (value === '') customer[key] = null;
    else if (key === 'address') customer.address = { ...EMPTY_ADDRESS, ...(value as Record<string, string>) };
    else if (key === 'shipping') {
      const shipping = value as { address?: Record<string, string> };
      const address = { ...EMPTY_ADDRESS, ...shipping.address };
      customer.shipping = { carrier: null, phone: null, tracking_number: null, ...shipping, address };
    } else customer[key] = String(value);
  }
  if (params.balance !== undefined) customer.balance = Number(params.balance);
  if (params.preferred_locales !== undefined) {
    customer.preferred_locales = optionalStringList(params, 'preferred_locales');
  }
  if (typeof params.tax_exempt === 'string') customer.tax_exempt = params.tax_exempt as StripeCustomer['tax_exempt'];
  if (typeof params.invoice_prefix === 'string') customer.invoice_prefix = params.invoice_prefix;
  const settings = params.invoice_settings as Record<string, unknown> | undefined;
  const defaultMethod = settings?.default_payment_method;
  if (typeof defaultMethod === 'string' && defaultMethod !== '') {
    if (!store.paymentMethods.has(defaultMethod)) {
      throw resourceMissing('PaymentMethod', defaultMethod, 'invoice_settings[default_payment_method]');
    }
    customer.invoice_settings = { ...(customer.invoice_settings as object), default_payment_method: defaultMethod };
  }
  customer.metadata = applyMetadata(customer.metadata, params);
}
