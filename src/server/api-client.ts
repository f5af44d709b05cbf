// The typed client of the API (hc<AppType>): each call's request and answer types are the route's own. For the
// chat (through the app itself), `sopstate retry`, and tests.
import { hc, type ClientRequestOptions } from 'hono/client';
import type { AppType } from './app.ts';
import { readApiError } from './contract/api-error-body.ts';

export const createApiClient = (baseUrl: string, options?: ClientRequestOptions) => hc<AppType>(baseUrl, options);

/** A refusal of the server: its status, and its error code when the answer was one of ours. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

/** The part of a hc answer read here; `ok` as a boolean, so that a refusal can be read whatever the route's type. */
interface Answer<T> {
  ok: boolean;
  status: number;
  json(): Promise<T>;
}

/** The JSON of a successful answer; otherwise an ApiClientError with the server's message. */
export const bodyOf = async <T>(response: Answer<T>): Promise<T> => {
  if (response.ok) return response.json();
  const error = readApiError(await response.json().catch(() => undefined));
  throw new ApiClientError(response.status, error?.message ?? `server answered HTTP ${response.status}`, error?.code);
};

/** undefined for a 404, so "no such run" is an answer rather than an error. */
export const unlessNotFound = async <T>(response: Answer<T>): Promise<T | undefined> =>
  response.status === 404 ? undefined : bodyOf(response);
