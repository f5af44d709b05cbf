// A plain HTTP call for api nodes: encode, send, read the envelope, classify failures.
import { NodeError, type NodeExecution } from '../executor.ts';
import { encodeForm } from './form.ts';
import { classifyOutcome, httpError, parseRetryAfter, transportError } from './errors.ts';
import { withAnswer } from './outputs.ts';
import { describeTarget } from './request.ts';
import { setOwnField } from '../../util/own-field.ts';
import { credentialValues, maskCredentials, shownHeaders } from '../../util/redact.ts';
import type { ApiEnvelope, ApiRequest } from './types.ts';

export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

const FORM = 'application/x-www-form-urlencoded';

const encodeBody = (request: ApiRequest, headers: Headers): string | undefined => {
  const { body } = request;
  if (body.kind === 'none') return undefined;
  const contentType = headers.get('content-type') ?? '';
  if (body.kind === 'text') {
    if (!contentType)
      headers.set('content-type', looksLikeJson(body.value) ? 'application/json' : 'text/plain;charset=UTF-8');
    return body.value;
  }
  if (contentType.toLowerCase().includes(FORM)) return encodeForm(body.value);
  if (!contentType) headers.set('content-type', 'application/json');
  return JSON.stringify(body.value);
};

const looksLikeJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const finalUrl = (request: ApiRequest): URL => {
  const url = new URL(request.url);
  const extra = encodeForm(request.query);
  if (extra) url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
  return url;
};

const readEnvelope = async (response: Response): Promise<ApiEnvelope> => {
  const text = response.status === 204 ? '' : await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json') || looksLikeJson(text);
  let data: unknown = text === '' ? null : text;
  if (text !== '' && isJson) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  return { data, status: response.status, headers: headersToRecord(response.headers) };
};

export const headersToRecord = (headers: Headers): Record<string, string> => {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => setOwnField(record, name, value));
  return record;
};

export const isExpected = (status: number, expected: number[] | undefined): boolean =>
  expected ? expected.includes(status) : status >= 200 && status < 300;

/** A short human reading of an error body: `error.message`, `message`, or the start of the text. */
const errorDetail = (data: unknown): string | undefined => {
  if (typeof data === 'string') return data.slice(0, 200) || undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const nested =
    typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>) : record;
  const message = nested.message ?? record.message ?? (typeof record.error === 'string' ? record.error : undefined);
  return typeof message === 'string' ? message.slice(0, 300) : undefined;
};

/** A plain HTTP call carries no Idempotency-Key: a POST whose outcome is unknown once its retries are spent ends the run. */
export const sendHttp = async (
  request: ApiRequest,
  execution: NodeExecution,
  fetchImpl: FetchLike,
): Promise<ApiEnvelope> => {
  try {
    return await sendHttpOnce(request, execution, fetchImpl);
  } catch (error) {
    if (!(error instanceof NodeError)) throw error;
    throw classifyOutcome(error, request.method, { call: describeTarget(request.method, finalUrl(request)) });
  }
};

const sendHttpOnce = async (
  request: ApiRequest,
  execution: NodeExecution,
  fetchImpl: FetchLike,
): Promise<ApiEnvelope> => {
  if ((request.method === 'GET' || request.method === 'HEAD') && request.body.kind !== 'none') {
    throw new NodeError(
      `api node "${execution.node.id}": a ${request.method} request carries no body — move the fields to runtime.query_params`,
      {
        code: 'invalid_runtime',
      },
    );
  }
  const headers = new Headers(request.headers);
  const body = encodeBody(request, headers);
  const url = finalUrl(request);
  const target = describeTarget(request.method, url);
  const node = execution.node.id;
  execution.emit({
    type: 'node.request',
    node,
    method: request.method,
    url: `${url.origin}${url.pathname}`,
    attempt: execution.attempt,
    headers: shownHeaders(headersToRecord(headers)),
    ...(request.body.kind === 'none' ? {} : { body: request.body.value }),
  });
  const started = performance.now();
  let response: Response;
  try {
    response = await fetchImpl(url, { method: request.method, headers, body, signal: execution.signal });
  } catch (error) {
    throw transportError(error, target, execution.signal);
  }
  let envelope: ApiEnvelope;
  try {
    envelope = await readEnvelope(response);
  } catch (error) {
    throw transportError(error, target, execution.signal);
  }
  execution.emit({
    type: 'node.response',
    node,
    status: response.status,
    durationMs: Math.round(performance.now() - started),
    headers: shownHeaders(envelope.headers),
    body: maskCredentials(envelope.data, credentialValues(request.headers)),
  });
  if (isExpected(response.status, request.expectedStatus)) return envelope;
  const detail = errorDetail(envelope.data);
  const failure = httpError({
    status: response.status,
    target,
    detail: detail === undefined ? undefined : maskCredentials(detail, credentialValues(request.headers)),
    retryAfterMs: parseRetryAfter(response.headers),
  });
  throw withAnswer(failure, execution.node, envelope);
};
