import { idempotencyInFlight, idempotencyMismatch } from './errors.ts';
import type { Params } from './form.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
  requestId: string;
}

interface Entry {
  endpoint: string;
  fingerprint: string;
  response?: StoredResponse;
}

export type IdempotencyDecision = { kind: 'execute' } | { kind: 'replay'; response: StoredResponse };

/**
 * Stripe's idempotency layer: the first response for a key is kept and replayed for the same
 * endpoint and parameters; other parameters are an `idempotency_error`; a key whose first request
 * is still running answers 409. Responses of requests that never began executing are not kept.
 */
export class IdempotencyLayer {
  #entries = new Map<string, Entry>();

  /** Throws the 400/409 Stripe answers; otherwise says whether to execute or replay. */
  begin(key: string, endpoint: string, params: Params): IdempotencyDecision {
    const fingerprint = canonical(params);
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#entries.set(key, { endpoint, fingerprint });
      return { kind: 'execute' };
    }
    if (entry.endpoint !== endpoint || entry.fingerprint !== fingerprint) {
      throw idempotencyMismatch(key, entry.endpoint === endpoint);
    }
    if (!entry.response) throw idempotencyInFlight(key);
    return { kind: 'replay', response: entry.response };
  }

  complete(key: string, response: StoredResponse): void {
    const entry = this.#entries.get(key);
    if (entry) entry.response = response;
  }

  /** The request did not begin executing (validation error, injected fault): forget the key. */
  abandon(key: string): void {
    const entry = this.#entries.get(key);
    if (entry && !entry.response) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
