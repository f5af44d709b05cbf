import { Hono, type Context } from 'hono';
import { mountControlRoutes } from '../shared/control-routes.ts';
import { FaultQueue } from '../shared/fault-queue.ts';
import { createCustomer, listCustomers, retrieveCustomer } from './customers.ts';
import { unrecognizedUrl } from './errors.ts';
import { parseStripeFault, type StripeFault, type StripeFaultRule } from './faults.ts';
import { IdempotencyLayer } from './idempotency.ts';
import type { Operation } from './operation.ts';
import {
  cancelPaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  listPaymentIntents,
  retrievePaymentIntent,
} from './payment-intents.ts';
import { createPipeline } from './pipeline.ts';
import { StripeStore } from './store.ts';
import type { StripeCustomer, StripePaymentIntent, StripeState } from './types.ts';

/** The API version the emulator answers with when the caller pins none (the SDK's own). */
export const STRIPE_SANDBOX_API_VERSION = '2026-02-25.clover';

export interface StripeEmulator {
  readonly app: Hono;
  fetch(request: Request): Response | Promise<Response>;
  /** A deep copy of customers, payment intents, payment methods, calls and confirmations. */
  state(): StripeState;
  /** Arms a fault for the next `times` (default 1) calls matching `method` + `path`. */
  addFault(rule: StripeFaultRule): void;
  clearFaults(): void;
  pendingFaults(): Array<StripeFaultRule & { remaining: number }>;
  paymentIntent(id: string): StripePaymentIntent | undefined;
  customer(id: string): StripeCustomer | undefined;
  /** Forgets every object, call, idempotency key and fault. */
  reset(): void;
}

export function createStripeEmulator(): StripeEmulator {
  const store = new StripeStore();
  const idempotency = new IdempotencyLayer();
  const faults = new FaultQueue<StripeFault>();
  const handle = createPipeline({ store, idempotency, faults, apiVersion: STRIPE_SANDBOX_API_VERSION });
  const route = (operation: Operation) => (c: Context) => handle(c, operation);

  const emulator: StripeEmulator = {
    app: new Hono(),
    fetch: (request) => emulator.app.fetch(request),
    state: () => store.snapshot(),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    paymentIntent: (id) => structuredClone(store.paymentIntents.get(id)),
    customer: (id) => structuredClone(store.customers.get(id)),
    reset: () => {
      store.clear();
      idempotency.clear();
      faults.clear();
    },
  };

  const app = emulator.app;
  mountControlRoutes(app, { ...emulator, parseFault: parseStripeFault });
  app.post('/v1/customers', route(createCustomer));
  app.get('/v1/customers', route(listCustomers));
  app.get('/v1/customers/:id', route(retrieveCustomer));
  app.post('/v1/payment_intents', route(createPaymentIntent));
  app.get('/v1/payment_intents', route(listPaymentIntents));
  app.get('/v1/payment_intents/:id', route(retrievePaymentIntent));
  app.post('/v1/payment_intents/:id/confirm', route(confirmPaymentIntent));
  app.post('/v1/payment_intents/:id/cancel', route(cancelPaymentIntent));
  app.notFound((c) => {
    const { error, status } = unrecognizedUrl(c.req.method, c.req.path);
    return c.json({ error }, status as 404);
  });
  app.onError((error, c) =>
    c.json({ error: { type: 'api_error', message: `The Stripe sandbox failed: ${error.message}` } }, 500),
  );
  return emulator;
}
