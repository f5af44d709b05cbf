import { randomId, unixSeconds } from '../shared/ids.ts';
import { resourceMissing } from './errors.ts';
import { refuseExpand } from './expand.ts';
import { listOf } from './list.ts';
import type { Operation } from './operation.ts';
import { applyMetadata, optionalString, optionalStringRecord, rejectUnknown } from './params.ts';
import type { StripeStore } from './store.ts';
import type { StripeCustomer } from './types.ts';

const CREATE_PARAMS = [
  'address', 'balance', 'description', 'email', 'expand', 'invoice_prefix', 'invoice_settings', 'metadata', 'name',
  'payment_method', 'phone', 'preferred_locales', 'shipping', 'tax_exempt', 'test_clock',
] as const;

export const createCustomer: Operation = ({ store, params, now }) => {
  rejectUnknown(params, CREATE_PARAMS);
  refuseExpand(params);
  const id = randomId('cus_', 14);
  const customer: StripeCustomer = {
    id,
    object: 'customer',
    address: optionalStringRecord(params, 'address') ?? null,
    balance: 0,
    created: unixSeconds(now),
    currency: null,
    default_source: null,
    delinquent: false,
    description: optionalString(params, 'description') ?? null,
    email: optionalString(params, 'email') ?? null,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    livemode: false,
    metadata: applyMetadata({}, params),
    name: optionalString(params, 'name') ?? null,
    phone: optionalString(params, 'phone') ?? null,
    preferred_locales: [],
    tax_exempt: 'none',
    test_clock: null,
  };
  store.customers.set(id, customer);
  return customer;
};

export const retrieveCustomer: Operation = ({ store, params, path }) => {
  rejectUnknown(params, ['expand']);
  refuseExpand(params);
  return findCustomer(store, path.id, 'id');
};

export const listCustomers: Operation = ({ store, params }) => {
  rejectUnknown(params, ['created', 'email', 'ending_before', 'expand', 'limit', 'starting_after', 'test_clock']);
  const email = optionalString(params, 'email');
  const all = [...store.customers.values()].filter((customer) => email === undefined || customer.email === email);
  return listOf(all, params, '/v1/customers');
};

export function findCustomer(store: StripeStore, id: string, param: string): StripeCustomer {
  const customer = store.customers.get(id);
  if (!customer) throw resourceMissing('customer', id, param);
  return customer;
}
