import type { Params } from './form.ts';
import type { StripeStore } from './store.ts';

/** What an endpoint handler gets: parsed params, path params, the account, the call's key. */
export interface OperationContext {
  store: StripeStore;
  params: Params;
  path: Record<string, string>;
  idempotencyKey: string | null;
  now: Date;
  /** Records a Stripe event (`GET /v1/events`, webhook delivery) with a snapshot of `object`. */
  emit(type: string, object: { id: string; object: string }, previous?: Record<string, unknown>): void;
}

/** An endpoint: returns the JSON body of a 200, or throws a StripeHttpError. */
export type Operation = (context: OperationContext) => unknown;
