import type { Params } from './form.ts';
import type { StripeStore } from './store.ts';

/** What an endpoint handler gets: parsed params, path params, the account, the call's key. */
export interface OperationContext {
  store: StripeStore;
  params: Params;
  path: Record<string, string>;
  idempotencyKey: string | null;
  now: Date;
}

/** An endpoint: returns the JSON body of a 200, or throws a StripeHttpError. */
export type Operation = (context: OperationContext) => unknown;
