// Turns an api node's resolved runtime block into an ApiRequest, with located errors for what cannot be sent.
import { NodeError } from '../executor.ts';
import type { WorkflowNode } from '../../osop/workflow.ts';
import type { ApiBody, ApiRequest, HttpMethod } from './types.ts';
import { isRecord } from '../../util/is-record.ts';

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const invalid = (node: WorkflowNode, field: string, problem: string, fix: string): NodeError =>
  new NodeError(
    `${node.position.file}:${node.position.line}:${node.position.col}: api node "${node.id}": runtime.${field} ${problem} — ${fix}`,
    {
      code: 'invalid_runtime',
    },
  );

const parseMethod = (node: WorkflowNode, value: unknown): HttpMethod => {
  if (value === undefined) return 'GET';
  const method = typeof value === 'string' ? value.toUpperCase() : '';
  const known = METHODS.find((candidate) => candidate === method);
  if (!known) throw invalid(node, 'method', `is ${JSON.stringify(value)}`, `use one of ${METHODS.join(', ')}`);
  return known;
};

const parseUrl = (node: WorkflowNode, value: unknown): URL => {
  if (typeof value !== 'string' || value === '') {
    throw invalid(
      node,
      'url',
      'is missing',
      'set runtime.url (optionally with endpoint), e.g. https://api.example.com',
    );
  }
  try {
    return new URL(value);
  } catch {
    throw invalid(
      node,
      'url',
      `is not an absolute URL (${JSON.stringify(value)})`,
      'start it with https:// or http://',
    );
  }
};

const parseHeaders = (node: WorkflowNode, value: unknown): Record<string, string> => {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid(node, 'headers', 'is not a mapping', 'write headers as `Name: value` pairs');
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (headerValue === undefined || headerValue === null) continue;
    if (typeof headerValue === 'object') {
      throw invalid(node, `headers.${name}`, 'is not text', 'give the header a string or number value');
    }
    try {
      new Headers([[name, String(headerValue)]]);
    } catch {
      throw invalid(
        node,
        `headers.${name}`,
        'is not a valid HTTP header',
        'use a token name and a value without line breaks',
      );
    }
    headers[name] = String(headerValue);
  }
  return headers;
};

const parseQuery = (node: WorkflowNode, value: unknown): Record<string, unknown> => {
  if (value === undefined || value === null) return {};
  if (!isRecord(value))
    throw invalid(node, 'query_params', 'is not a mapping', 'write query_params as `name: value` pairs');
  return value;
};

const parseBody = (node: WorkflowNode, runtime: Record<string, unknown>): ApiBody => {
  const { body, body_template: template } = runtime;
  if (body !== undefined && template !== undefined) {
    throw invalid(node, 'body', 'and runtime.body_template are both set', 'keep only one of them');
  }
  if (template !== undefined) {
    if (typeof template !== 'string')
      throw invalid(node, 'body_template', 'is not a string', 'use `body` for a mapping');
    return { kind: 'text', value: template };
  }
  if (body === undefined || body === null) return { kind: 'none' };
  if (typeof body === 'string') return { kind: 'text', value: body };
  if (!isRecord(body)) throw invalid(node, 'body', 'is not a mapping', 'write the body as `field: value` pairs');
  return { kind: 'object', value: body };
};

const parseExpectedStatus = (node: WorkflowNode, value: unknown): number[] | undefined => {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const statuses = list.map(Number);
  if (statuses.length === 0 || statuses.some((status) => !Number.isInteger(status) || status < 100 || status > 599)) {
    throw invalid(
      node,
      'expected_status',
      `is ${JSON.stringify(value)}`,
      'give an HTTP status such as 200, or a list such as [200, 201]',
    );
  }
  return statuses;
};

export const parseApiRequest = (node: WorkflowNode, runtime: Record<string, unknown>): ApiRequest => ({
  method: parseMethod(node, runtime.method),
  url: parseUrl(node, runtime.url),
  headers: parseHeaders(node, runtime.headers),
  query: parseQuery(node, runtime.query_params),
  body: parseBody(node, runtime),
  expectedStatus: parseExpectedStatus(node, runtime.expected_status),
});

/** Case-insensitive header lookup. */
export const headerValue = (headers: Record<string, string>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : headers[key];
};

/** `POST https://host/path`: what errors and events may show of a request (no query, no credentials). */
export const describeTarget = (method: string, url: URL): string => `${method} ${url.origin}${url.pathname}`;
