import { Hono, type Context } from 'hono';
import { mountControlRoutes } from '../shared/control-routes.ts';
import { FaultQueue } from '../shared/fault-queue.ts';
import { unrecognizedUrl } from './errors.ts';
import { parseStripeFault, type StripeFault, type StripeFaultRule } from './faults.ts';
import { IdempotencyLayer } from './idempotency.ts';
import { createPipeline, type Endpoint } from './pipeline.ts';
import { STRIPE_ENDPOINTS } from './endpoints.ts';
import { StripeStore } from './store.ts';
import { stripeTables } from './tables.ts';
import type { StripeCustomer, StripePaymentIntent, StripeState } from './types.ts';
import { WebhookSender, type WebhookDelivery, type WebhookTarget } from './webhooks.ts';

/** The API version the emulator answers with when the caller pins none: the shapes it emulates. */
const STRIPE_SANDBOX_API_VERSION = stripeTables().version;

export interface StripeEmulatorOptions {
  /** Deliver every event, signed with `secret`, to `url` (as a webhook endpoint would receive it). */
  webhook?: WebhookTarget;
}

export interface StripeEmulator {
  readonly app: Hono;
  fetch(request: Request): Response | Promise<Response>;
  /** A deep copy of every object, call and confirmation. */
  state(): StripeState;
  /** Arms a fault for the next `times` (default 1) calls matching `method` + `path`. */
  addFault(rule: StripeFaultRule): void;
  clearFaults(): void;
  pendingFaults(): Array<StripeFaultRule & { remaining: number }>;
  paymentIntent(id: string): StripePaymentIntent | undefined;
  customer(id: string): StripeCustomer | undefined;
  /** Webhook deliveries made so far, after waiting for those under way. */
  webhookDeliveries(): Promise<WebhookDelivery[]>;
  /** Forgets every object, call, idempotency key and fault. */
  reset(): void;
}

export function createStripeEmulator(options: StripeEmulatorOptions = {}): StripeEmulator {
  const store = new StripeStore();
  const idempotency = new IdempotencyLayer();
  const faults = new FaultQueue<StripeFault>();
  const webhooks = new WebhookSender(options.webhook);
  const handle = createPipeline({ store, idempotency, faults, apiVersion: STRIPE_SANDBOX_API_VERSION, webhooks });
  const route = (endpoint: Endpoint) => (c: Context) => handle(c, endpoint);

  const emulator: StripeEmulator = {
    app: new Hono(),
    fetch: (request) => emulator.app.fetch(request),
    state: () => store.snapshot(),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    paymentIntent: (id) => structuredClone(store.paymentIntents.get(id)),
    customer: (id) => structuredClone(store.customers.get(id)),
    webhookDeliveries: async () => {
      await webhooks.idle();
      return structuredClone(webhooks.deliveries);
    },
    reset: () => {
      store.clear();
      idempotency.clear();
      faults.clear();
    },
  };

  const app = emulator.app;
  mountControlRoutes(app, { ...emulator, parseFault: parseStripeFault });
  for (const endpoint of STRIPE_ENDPOINTS) {
    const [method, template] = endpoint.key.split(' ');
    const path = template.replace(/\{(\w+)\}/g, ':$1');
    if (method === 'GET') app.get(path, route(endpoint));
    else app.post(path, route(endpoint));
  }
  app.notFound((c) => {
    const { error, status } = unrecognizedUrl(c.req.method, c.req.path);
    return c.json({ error }, status as 404);
  });
  app.onError((error, c) =>
    c.json({ error: { type: 'api_error', message: `The Stripe sandbox failed: ${error.message}` } }, 500),
  );
  return emulator;
}
