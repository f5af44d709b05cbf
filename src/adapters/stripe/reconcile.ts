// Before repeating a call whose outcome is unknown, read the object it acted on: it may say the call happened.
import type { NodeExecution } from '../executor.ts';
import { headersToRecord } from '../api/http.ts';
import type { ApiEnvelope } from '../api/types.ts';
import { requestStripe, type StripeClient } from './client.ts';
import type { StripePath, StripeRoute } from './paths.ts';

interface Reconciler {
  /** The object the call acts on, with the same path parameters. */
  read: StripePath;
  /** Statuses of that object that only exist once the call has happened. */
  happened: readonly string[];
}

const INTENT: StripePath = '/v1/payment_intents/{intent}';

/** Calls whose object is known from their path. Creations are not here: their object has no id yet. */
const RECONCILERS: Partial<Record<StripePath, Reconciler>> = {
  '/v1/payment_intents/{intent}/confirm': {
    read: INTENT,
    happened: ['succeeded', 'processing', 'requires_action', 'requires_capture'],
  },
  '/v1/payment_intents/{intent}/capture': { read: INTENT, happened: ['succeeded'] },
  '/v1/payment_intents/{intent}/cancel': { read: INTENT, happened: ['canceled'] },
};

export interface ReconcileCall {
  client: StripeClient;
  /** Where the client sends requests, as events show it. */
  shownBase: string;
  /** The original call's headers (credentials, version); the read drops the POST-only ones. */
  headers: Record<string, string>;
}

const POST_ONLY = new Set(['content-type', 'idempotency-key']);

/**
 * The object's envelope when its state shows the call happened (so the node completes with it), else undefined:
 * the caller then repeats the call with the same Idempotency-Key. A read that fails decides nothing.
 */
export const reconcileStripe = async (
  route: StripeRoute,
  call: ReconcileCall,
  execution: NodeExecution,
): Promise<ApiEnvelope | undefined> => {
  const rule = RECONCILERS[route.template];
  if (!rule) return undefined;
  const headers = Object.fromEntries(
    Object.entries(call.headers).filter(([name]) => !POST_ONLY.has(name.toLowerCase())),
  );
  const path = rule.read.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(route.params[name] ?? ''));
  const node = execution.node.id;
  const url = `${call.shownBase}${path}`;
  execution.emit({ type: 'node.request', node, method: 'GET', url, attempt: execution.attempt });
  const started = performance.now();
  try {
    const { data, response } = await requestStripe(call.client, 'get', rule.read, {
      params: { path: route.params, query: {} },
      headers,
      signal: execution.signal,
    });
    const durationMs = Math.round(performance.now() - started);
    execution.emit({ type: 'node.response', node, status: response.status, durationMs });
    const status = typeof data === 'object' && data !== null ? (data as { status?: unknown }).status : undefined;
    if (!response.ok || typeof status !== 'string' || !rule.happened.includes(status)) return undefined;
    return { data, status: response.status, headers: headersToRecord(response.headers) };
  } catch {
    if (execution.signal.aborted) throw execution.signal.reason;
    return undefined;
  }
};
