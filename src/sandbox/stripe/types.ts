// Resource shapes as the Stripe API returns them: the fields the sandbox reads or writes are typed here;
// every other field of the 2024-04-10 schema is present too, from the generated templates (tables.ts).
export type Metadata = Record<string, string>;

export interface StripeCustomer {
  [field: string]: unknown;
  id: string;
  object: 'customer';
  address: Record<string, string | null> | null;
  balance: number;
  created: number;
  currency: string | null;
  default_source: string | null;
  delinquent: boolean;
  description: string | null;
  email: string | null;
  invoice_prefix: string | null;
  livemode: false;
  metadata: Metadata;
  name: string | null;
  phone: string | null;
  preferred_locales: string[];
  tax_exempt: 'none' | 'exempt' | 'reverse';
  test_clock: string | null;
}

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export interface StripeCard {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  funding: 'credit' | 'debit';
  country: string;
}

export interface StripePaymentMethod {
  [field: string]: unknown;
  id: string;
  object: 'payment_method';
  type: 'card';
  card: StripeCard & Record<string, unknown>;
  created: number;
  customer: string | null;
  livemode: false;
  metadata: Metadata;
}

/** The `error` object of Stripe's error responses (and of `last_payment_error`). */
export interface StripeErrorObject {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_method?: StripePaymentMethod;
  payment_intent?: StripePaymentIntent;
  setup_intent?: StripeSetupIntent;
  request_log_url?: string;
}

export interface StripePaymentIntent {
  [field: string]: unknown;
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: string } | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: 'automatic' | 'automatic_async' | 'manual';
  client_secret: string | null;
  confirmation_method: 'automatic' | 'manual';
  created: number;
  currency: string;
  customer: string | StripeCustomer | null;
  description: string | null;
  last_payment_error: StripeErrorObject | null;
  latest_charge: string | StripeCharge | null;
  livemode: false;
  metadata: Metadata;
  next_action: Record<string, unknown> | null;
  payment_method: string | StripePaymentMethod | null;
  payment_method_types: string[];
  receipt_email: string | null;
  status: PaymentIntentStatus;
}

export interface StripeCharge {
  [field: string]: unknown;
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  currency: string;
  customer: string | null;
  payment_intent: string | null;
  payment_method: string | null;
  refunded: boolean;
  status: 'succeeded' | 'pending' | 'failed';
}

export interface StripeRefund {
  [field: string]: unknown;
  id: string;
  object: 'refund';
  amount: number;
  charge: string | null;
  currency: string;
  payment_intent: string | null;
  status: string | null;
}

export type SetupIntentStatus =
  'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'canceled' | 'succeeded';

export interface StripeSetupIntent {
  [field: string]: unknown;
  id: string;
  object: 'setup_intent';
  customer: string | null;
  payment_method: string | null;
  status: SetupIntentStatus;
}

export interface StripeEvent {
  [field: string]: unknown;
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** One HTTP call the emulator answered, as `GET /__sandbox/state` reports it. */
export interface StripeCallRecord {
  requestId: string;
  at: string;
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | null;
  replayed: boolean;
  /** The injected fault's type when one answered or delayed this call. */
  fault: string | null;
  params: Record<string, unknown>;
}

/** One confirmation that actually ran (replays are not confirmations). */
export interface ConfirmationRecord {
  paymentIntent: string;
  paymentMethod: string;
  outcome: 'succeeded' | 'requires_action' | 'requires_capture' | 'declined';
  declineCode: string | null;
  idempotencyKey: string | null;
  at: string;
}

export interface StripeState {
  customers: StripeCustomer[];
  paymentIntents: StripePaymentIntent[];
  paymentMethods: StripePaymentMethod[];
  charges: StripeCharge[];
  refunds: StripeRefund[];
  setupIntents: StripeSetupIntent[];
  events: StripeEvent[];
  calls: StripeCallRecord[];
  confirmations: ConfirmationRecord[];
}
