import type { Context } from 'hono';
import { appendCall } from '../shared/call-log.ts';
import type { FaultQueue } from '../shared/fault-queue.ts';
import { randomId, sleep } from '../shared/ids.ts';
import { checkStripeKey } from './auth.ts';
import { invalidRequest, StripeHttpError } from './errors.ts';
import { recordEvent } from './events.ts';
import { applyExpand, checkExpand } from './expand.ts';
import { faultError, type StripeFault } from './faults.ts';
import { readRequestParams } from './form.ts';
import type { IdempotencyLayer } from './idempotency.ts';
import type { Operation, OperationContext } from './operation.ts';
import type { StripeStore } from './store.ts';
import { stripeTables, type EmulatedOperation } from './tables.ts';
import type { StripeCallRecord } from './types.ts';
import { validateParams } from './validate.ts';
import { checkStripeVersion, isKnownStripeVersion } from './version.ts';
import type { WebhookSender } from './webhooks.ts';

export interface PipelineDeps {
  store: StripeStore;
  idempotency: IdempotencyLayer;
  faults: FaultQueue<StripeFault>;
  apiVersion: string;
  webhooks: WebhookSender;
}

/** An emulated endpoint: the operation in Stripe's description it answers, and how. */
export interface Endpoint {
  key: EmulatedOperation;
  operation: Operation;
}

interface Outcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** A `reset` fault: the connection drops instead of answering. */
  reset?: boolean;
}

/** A response whose body fails at once: the server drops the connection, the client gets no answer. */
const droppedConnection = (): Response =>
  new Response(
    new ReadableStream({ pull: (controller) => controller.error(new Error('sandbox: connection reset (fault)')) }),
    { status: 200 },
  );

/**
 * Every call goes through the same steps: log, auth, version, params, injected fault, idempotency
 * (replay / mismatch / in flight), the description's parameter and expand checks, the operation,
 * expansion, then the response kept for its key.
 */
export function createPipeline(deps: PipelineDeps) {
  return async function handle(c: Context, endpoint: Endpoint): Promise<Response> {
    const { method, path } = c.req;
    const key = method === 'POST' ? (c.req.header('idempotency-key') ?? null) : null;
    const call: StripeCallRecord = {
      requestId: randomId('req_', 14),
      at: new Date().toISOString(),
      method,
      path,
      status: 0,
      idempotencyKey: key,
      replayed: false,
      fault: null,
      params: {},
    };
    appendCall(deps.store.calls, call);
    const outcome = await run(c, endpoint, call, key).catch(asOutcome);
    call.status = outcome.status;
    if (outcome.reset) return droppedConnection();
    const headers: Record<string, string> = {
      'Request-Id': call.requestId,
      'Stripe-Version': answeredVersion(c.req.header('stripe-version'), deps.apiVersion),
      ...(key ? { 'Idempotency-Key': key } : {}),
      ...outcome.headers,
    };
    return c.json(outcome.body as object, outcome.status as 200, headers);
  };

  async function run(c: Context, endpoint: Endpoint, call: StripeCallRecord, key: string | null): Promise<Outcome> {
    checkStripeKey(c.req.header('authorization'));
    checkStripeVersion(c.req.header('stripe-version'));
    if (key !== null && key.length > 255) {
      throw invalidRequest(
        `Invalid Idempotency-Key: keys can be at most 255 characters long, this one has ${key.length}.`,
      );
    }
    const params = await readRequestParams(c.req.raw);
    call.params = params;
    const fault = deps.faults.take(call.method, call.path);
    if (fault) call.fault = fault.type;
    const after = fault?.when === 'after';
    const failure = fault ? faultError(fault) : undefined;
    if (failure && !after) throw failure;
    if (fault?.type === 'reset' && !after) return { status: 0, body: null, headers: {}, reset: true };
    const decision = key
      ? deps.idempotency.begin(key, `${call.method} ${call.path}`, params)
      : { kind: 'execute' as const };
    if (decision.kind === 'replay') {
      call.replayed = true;
      const { status, body, requestId } = decision.response;
      return { status, body, headers: { 'Idempotent-Replayed': 'true', 'Original-Request': requestId } };
    }
    try {
      if (fault?.type === 'delay' && !after) await sleep(fault.ms);
      const now = new Date();
      const emit: OperationContext['emit'] = (type, object, previous) => {
        const pendingWebhooks = deps.webhooks.enabled ? 1 : 0;
        const source = { requestId: call.requestId, idempotencyKey: key, pendingWebhooks };
        deps.webhooks.send(recordEvent(deps.store, type, object, previous, source, now));
      };
      const context = { store: deps.store, params, path: c.req.param(), idempotencyKey: key, now, emit };
      const outcome = execute(endpoint, context);
      if (key && keeps(outcome.status)) {
        deps.idempotency.complete(key, {
          status: outcome.status,
          body: structuredClone(outcome.body),
          requestId: call.requestId,
        });
      }
      if (fault?.type === 'delay' && after) await sleep(fault.ms);
      if (failure) throw failure;
      return fault?.type === 'reset' ? { ...outcome, reset: true } : outcome;
    } finally {
      if (key) deps.idempotency.abandon(key);
    }
  }
}

function execute({ key, operation }: Endpoint, context: OperationContext): Outcome {
  try {
    const table = stripeTables().operations[key];
    validateParams(context.params, table);
    checkExpand(context.params, table.returns);
    const body = applyExpand(context.store, operation(context), context.params);
    return { status: 200, body, headers: {} };
  } catch (error) {
    return asOutcome(error);
  }
}

/** Stripe keeps responses of requests whose execution began: successes and card errors. */
function keeps(status: number): boolean {
  return status < 400 || status === 402;
}

function asOutcome(error: unknown): Outcome {
  if (error instanceof StripeHttpError)
    return { status: error.status, body: { error: error.error }, headers: error.headers };
  throw error;
}

function answeredVersion(asked: string | undefined, fallback: string): string {
  return asked !== undefined && isKnownStripeVersion(asked) ? asked : fallback;
}
