// One Stripe call for an api node: route to the OpenAPI template, pin the version, key the POST, map errors.
import { parse as parseQuery } from 'qs';
import { NodeError, type NodeExecution } from '../executor.ts';
import { classifyOutcome, transportError } from '../api/errors.ts';
import { headersToRecord, isExpected } from '../api/http.ts';
import { withAnswer } from '../api/outputs.ts';
import { headerValue } from '../api/request.ts';
import { credentialValues, maskCredentials, shownHeaders } from '../../util/redact.ts';
import type { ApiEnvelope, ApiRequest } from '../api/types.ts';
import { requestStripe, STRIPE_API_VERSION, type StripeClient, type StripeResult } from './client.ts';
import { stripeError } from './errors.ts';
import { matchStripePath } from './paths.ts';
import { reconcileStripe } from './reconcile.ts';

export interface StripeCall {
  client: StripeClient;
  /** Where the client sends requests, as events and messages show it (`shownStripeBase`). */
  shownBase: string;
  /** Path below the Stripe root, e.g. `/v1/customers`. */
  pathname: string;
  /** Used when the node sends no Authorization header. */
  apiKey?: string;
}

const OWN_HEADERS = new Set(['content-type', 'idempotency-key', 'content-length']);
const FORM = 'application/x-www-form-urlencoded';

/** Stripe reads POST parameters from a form body; a Content-Type the workflow sets wins (stripe-node always sends one). */
const contentTypeOf = (request: ApiRequest): string => headerValue(request.headers, 'content-type') ?? FORM;

const requestHeaders = (
  request: ApiRequest,
  execution: NodeExecution,
  apiKey: string | undefined,
): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  if (headerValue(headers, 'authorization') === undefined) {
    if (!apiKey) {
      throw new NodeError(
        `api node "${execution.node.id}": no Stripe key — set STRIPE_SECRET_KEY, or add the header Authorization: "Bearer \${secrets.STRIPE_SECRET_KEY}"`,
        { code: 'missing_credentials' },
      );
    }
    headers.Authorization = `Bearer ${apiKey}`;
  }
  if (headerValue(headers, 'stripe-version') === undefined) headers['Stripe-Version'] = STRIPE_API_VERSION;
  if (request.method === 'POST') headers['Idempotency-Key'] = execution.idempotencyKey;
  if (request.method !== 'GET' && request.method !== 'DELETE') headers['Content-Type'] = contentTypeOf(request);
  return headers;
};

/** Stripe reads GET and DELETE parameters from the query string: a `body` there joins `query_params`. */
const requestQuery = (request: ApiRequest): Record<string, unknown> => {
  const fromUrl = request.url.search ? parseQuery(request.url.search.slice(1)) : {};
  const bodyAsQuery =
    (request.method === 'GET' || request.method === 'DELETE') && request.body.kind === 'object'
      ? request.body.value
      : {};
  return { ...fromUrl, ...bodyAsQuery, ...request.query };
};

/** A POST always carries a body, empty when it has no parameters; an object body follows the Content-Type. */
const requestBody = (request: ApiRequest): Record<string, unknown> | string | undefined => {
  if (request.method === 'GET' || request.method === 'DELETE') return undefined;
  if (request.body.kind === 'none') return '';
  if (request.body.kind === 'object' && /json/i.test(contentTypeOf(request))) return JSON.stringify(request.body.value);
  return request.body.value;
};

export const sendStripe = async (
  request: ApiRequest,
  execution: NodeExecution,
  call: StripeCall,
): Promise<ApiEnvelope> => {
  try {
    return await sendOnce(request, execution, call);
  } catch (error) {
    if (!(error instanceof NodeError)) throw error;
    const key = request.method === 'POST' ? execution.idempotencyKey : undefined;
    throw classifyOutcome(error, request.method, { call: `${request.method} ${call.pathname}`, idempotencyKey: key });
  }
};

const sendOnce = async (request: ApiRequest, execution: NodeExecution, call: StripeCall): Promise<ApiEnvelope> => {
  const node = execution.node.id;
  const route = matchStripePath(call.pathname);
  if (!route) {
    throw new NodeError(
      `api node "${node}": Stripe has no endpoint ${call.pathname} (API ${STRIPE_API_VERSION}) — check runtime.endpoint against https://docs.stripe.com/api`,
      { code: 'unknown_stripe_path' },
    );
  }
  const method = request.method.toLowerCase();
  if (!route.methods.includes(method)) {
    throw new NodeError(
      `api node "${node}": Stripe's ${route.template} accepts ${route.methods.map((m) => m.toUpperCase()).join(', ')}, not ${request.method}`,
      { code: 'unknown_stripe_path' },
    );
  }
  const operation = `${request.method} ${route.template}`;
  const headers = requestHeaders(request, execution, call.apiKey);
  if (execution.reconcile) {
    const reconciled = await reconcileStripe(route, { ...call, headers }, execution);
    if (reconciled) return reconciled;
  }
  const { shownBase } = call;
  const url = `${shownBase}${call.pathname}`;
  const sentBody = requestBody(request);
  execution.emit({
    type: 'node.request',
    node,
    method: request.method,
    url,
    attempt: execution.attempt,
    headers: shownHeaders(headers),
    ...(sentBody === undefined ? {} : { body: sentBody }),
  });
  // Stored before it leaves: a restart that finds the request knows it may have acted (resumed-visits.ts).
  if (request.method === 'POST') await execution.untilStored?.();
  const started = performance.now();
  let result: StripeResult;
  try {
    result = await requestStripe(call.client, method, route.template, {
      params: { path: route.params, query: requestQuery(request) },
      body: sentBody,
      headers,
      signal: execution.signal,
    });
  } catch (error) {
    throw transportError(error, `${operation} at ${shownBase}`, execution.signal);
  }
  const { response } = result;
  const envelope: ApiEnvelope = {
    data: result.data ?? result.error ?? null,
    status: response.status,
    headers: headersToRecord(response.headers),
  };
  const credentials = credentialValues(headers);
  execution.emit({
    type: 'node.response',
    node,
    status: response.status,
    durationMs: Math.round(performance.now() - started),
    ...(envelope.headers['idempotent-replayed'] === 'true' ? { replayed: true } : {}),
    headers: shownHeaders(envelope.headers),
    body: maskCredentials(envelope.data, credentials),
  });
  if (isExpected(response.status, request.expectedStatus)) return envelope;
  const failure = stripeError({
    status: response.status,
    body: envelope.data,
    headers: response.headers,
    operation,
    secrets: credentials,
  });
  throw withAnswer(failure, execution.node, envelope);
};
