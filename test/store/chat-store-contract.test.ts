// The chat's conversations on both stores: SQLite (one machine) and PostgreSQL (cluster, where any node may continue
// a conversation) keep messages in order, give a waiting action to one taker only, and list the runs started.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/server/chat/chat-event.ts';
import {
  chatMigrations,
  PostgresChatStore,
  SqliteChatStore,
  type ChatStore,
} from '../../src/server/chat/chat-store.ts';
import { migrate } from '../../src/store/migrations.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { freshSchema, postgresUnavailable, TEST_PG } from './support/postgres.ts';

const backends: Array<{ name: string; open: () => Promise<{ store: ChatStore; done: () => Promise<void> }> }> = [
  {
    name: 'SQLite',
    open: async () => {
      const db = new BetterSqlite3(':memory:');
      migrate(db, chatMigrations);
      return { store: new SqliteChatStore(db), done: async () => void db.close() };
    },
  },
];
const pgSkip = postgresUnavailable();
const pgUrl = TEST_PG;
if (pgUrl) {
  backends.push({
    name: 'PostgreSQL',
    open: async () => {
      const schema = await freshSchema(pgUrl);
      const runs = await openPostgresStore(schema.url, { max: 4 });
      return { store: new PostgresChatStore(runs.pool), done: async () => (await runs.close(), await schema.drop()) };
    },
  });
}

const action: PendingAction = {
  kind: 'start_run',
  workflow: 'stripe-payment',
  workflowName: 'Stripe payment',
  inputs: { email: 'a@b.c', amount: 2500 },
  reasons: ['creates Stripe charges'],
  summary: { text: 'Run stripe-payment: charge 25.00 USD to a@b.c' },
};

describe.each(backends)('conversations on the $name store', ({ open }) => {
  let store: ChatStore;
  let done: () => Promise<void>;
  beforeAll(async () => ({ store, done } = await open()));
  afterAll(() => done());

  it('keeps every message in order, also when they are appended at once', async () => {
    const conversation = await store.create();
    expect(await store.get(conversation.id)).toEqual(conversation);
    expect(await store.get('conv_nope')).toBeUndefined();
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.append(conversation.id, { role: 'user', content: [{ type: 'text', text: `m${index}` }] }),
      ),
    );
    const texts = (await store.messages(conversation.id)).map((message) =>
      Array.isArray(message.content) && message.content[0].type === 'text' ? message.content[0].text : '',
    );
    expect([...texts].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(texts).toHaveLength(8);
  });

  it('gives a waiting action to one taker only', async () => {
    const conversation = await store.create();
    await store.setPending(conversation.id, action);
    expect((await store.get(conversation.id))?.pending).toEqual(action);
    const taken = await Promise.all(Array.from({ length: 5 }, () => store.takePending(conversation.id)));
    expect(taken.filter((pending) => pending !== undefined)).toEqual([action]);
    expect((await store.get(conversation.id))?.pending).toBeUndefined();
  });

  it('lists the runs a conversation started, each once', async () => {
    const conversation = await store.create();
    await store.recordRun(conversation.id, 'run-1');
    await store.recordRun(conversation.id, 'run-1');
    await new Promise((resolve) => setTimeout(resolve, 2));
    await store.recordRun(conversation.id, 'run-2');
    expect(await store.runs(conversation.id)).toEqual(['run-1', 'run-2']);
  });
});

describe.skipIf(!pgSkip)('conversations on PostgreSQL', () => {
  it.skip(`skipped: ${pgSkip}`, () => {});
});
