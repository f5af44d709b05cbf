// Every refusal of the server is an ApiError, thrown where it is found and answered by app.onError in one shape.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Diagnostic } from '../osop/workflow.ts';
import type { ApiErrorBody } from './contract/api-error-body.ts';

export interface ApiErrorDetails {
  /** Why a workflow or the run's inputs were refused. */
  diagnostics?: Diagnostic[];
  /** Sent with the answer, e.g. `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    /** Stable and machine-readable: `unknown-run`, `bad-request`... */
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): ApiErrorBody {
    const { diagnostics } = this.details;
    return { error: { code: this.code, message: this.message }, ...(diagnostics ? { diagnostics } : {}) };
  }
}

/** The answer for an ApiError (app.onError and notFound use it). */
export const errorResponse = (c: Context, error: ApiError): Response =>
  c.json(error.body, error.status, error.details.headers);
