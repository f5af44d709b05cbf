// POST /api/runs with `Idempotency-Key`: the key, a hash of the request it came with, and the run it started.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations.ts';

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

export class IdempotencyStore {
  readonly #find;
  readonly #insert;

  constructor(db: Database) {
    this.#find = db.prepare<[string], { request_hash: string; run_id: string }>(
      'SELECT request_hash, run_id FROM run_idempotency_keys WHERE key = ?',
    );
    this.#insert = db.prepare<[string, string, string, string]>(
      'INSERT INTO run_idempotency_keys (key, request_hash, run_id, created_at) VALUES (?, ?, ?, ?)',
    );
  }

  find(key: string): IdempotentRequest | undefined {
    const row = this.#find.get(key);
    return row ? { requestHash: row.request_hash, runId: row.run_id } : undefined;
  }

  record(key: string, request: IdempotentRequest): void {
    this.#insert.run(key, request.requestHash, request.runId, new Date().toISOString());
  }
}
