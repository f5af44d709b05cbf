// Write-ahead for money: the server stores a keyed Stripe POST's node.request before the request leaves, so a
// process that dies with the request on the wire leaves a record that the call may have acted (resumed-visits.ts).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { streamRun } from '../support/sse-client.ts';
import { SEED_ID, startRealServer, startRunOver } from './real-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'sopstate-stored-first-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a keyed Stripe POST of a server run', () => {
  it('leaves only after its node.request is in the database', async () => {
    const dbFile = join(dir, 'runs.db');
    const realFetch = globalThis.fetch;
    const seen: Array<{ key: string; stored: boolean }> = [];
    let db: Database.Database | undefined;
    // The Stripe client is built with the global fetch: each POST it sends is checked against the database first.
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      const key = request.headers.get('idempotency-key');
      if (request.method === 'POST' && key && new URL(request.url).pathname.startsWith('/v1/')) {
        db ??= new Database(dbFile, { readonly: true });
        const rows = db.prepare("SELECT json FROM events WHERE type = 'node.request'").all() as { json: string }[];
        seen.push({ key, stored: rows.some((row) => row.json.includes(`"Idempotency-Key":"${key}"`)) });
      }
      return realFetch(request);
    };
    const server = await startRealServer({ dbFile });
    try {
      const runId = await startRunOver(server, SEED_ID);
      const { events } = await streamRun(server.url, runId);
      expect(events.at(-1)?.type).toBe('run.completed');
    } finally {
      globalThis.fetch = realFetch;
      db?.close();
      await server.cleanup();
    }
    expect(seen.map((call) => call.key.split(':')[1])).toEqual(['create_customer', 'create_intent', 'confirm_payment']);
    expect(seen.filter((call) => !call.stored)).toEqual([]);
  });
});
