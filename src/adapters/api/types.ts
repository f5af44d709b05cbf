// The shapes an api node's call goes through: the parsed request, and the response envelope outputs are read from.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export type ApiBody =
  | { kind: 'none' }
  /** `body` object: JSON, or form-encoded when Content-Type says so (always form for Stripe). */
  | { kind: 'object'; value: Record<string, unknown> }
  /** `body_template` (or a string `body`): sent as written. */
  | { kind: 'text'; value: string };

export interface ApiRequest {
  method: HttpMethod;
  url: URL;
  /** Header names as written; values resolved (may hold secrets: never emit). */
  headers: Record<string, string>;
  query: Record<string, unknown>;
  body: ApiBody;
  /** Statuses that count as success; absent = any 2xx. */
  expectedStatus?: number[];
}

/** What output mappings (`data.id`, `$.data.id`) are evaluated against. */
export interface ApiEnvelope {
  data: unknown;
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
}
