// POST /api/runs with `Idempotency-Key`: the key, a hash of the request it came with, and the run it started.
// Both stores keep them (SQLite in this table, PostgreSQL in its own migration) and take a key with its run's row.
import { createHash } from 'node:crypto';
import type { Migration } from './migrations.ts';
import type { RunRecord } from './run-store.ts';

export const idempotencyMigrations: readonly Migration[] = [
  {
    id: 'runs-idempotency-keys-001',
    sql: `
      CREATE TABLE run_idempotency_keys (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (id),
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export interface IdempotentRequest {
  requestHash: string;
  runId: string;
}

/** The key a request came with, and the hash of that request. */
export interface IdempotencyKey {
  key: string;
  requestHash: string;
}

/** A run created with its key, or what the key already held (an earlier request with it won). */
export type CreatedOnce = { created: RunRecord } | { earlier: IdempotentRequest };

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same request. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const requestHash = (request: unknown): string => createHash('sha256').update(canonical(request)).digest('hex');
