// Conversations, their messages (as Anthropic message params) and the one action each may have waiting: in the
// server's SQLite file on one machine, in PostgreSQL in cluster mode (a conversation continues on any node; the
// tables there come with the cluster's migrations, see store/postgres-schema.ts).
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type pg from 'pg';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { Migration } from '../../store/migrations.ts';
import { inTransaction } from '../../store/postgres-transaction.ts';
import type { PendingAction } from './chat-event.ts';

export const chatMigrations: readonly Migration[] = [
  {
    id: 'chat-001-init',
    sql: `
      CREATE TABLE chat_conversations (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        pending TEXT
      );
      CREATE TABLE chat_messages (
        conversation_id TEXT NOT NULL REFERENCES chat_conversations (id),
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE chat_runs (
        conversation_id TEXT NOT NULL REFERENCES chat_conversations (id),
        run_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, run_id)
      ) WITHOUT ROWID;
    `,
  },
];

export interface ConversationRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  pending?: PendingAction;
}

interface ConversationRow {
  id: string;
  created_at: string;
  updated_at: string;
  pending: string | null;
}

export interface ChatStore {
  create(): Promise<ConversationRecord>;
  get(id: string): Promise<ConversationRecord | undefined>;
  messages(id: string): Promise<MessageParam[]>;
  append(id: string, message: MessageParam): Promise<void>;
  setPending(id: string, action: PendingAction | undefined): Promise<void>;
  /** Takes the waiting action away atomically, so two confirmations (on any node) cannot both start it. */
  takePending(id: string): Promise<PendingAction | undefined>;
  recordRun(id: string, runId: string): Promise<void>;
  runs(id: string): Promise<string[]>;
}

const newConversationId = (): string => `conv_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  ...(row.pending ? { pending: JSON.parse(row.pending) as PendingAction } : {}),
});

type MessageRow = { role: 'user' | 'assistant'; content: string };
const toMessage = (row: MessageRow): MessageParam => ({
  role: row.role,
  content: JSON.parse(row.content) as MessageParam['content'],
});

export class SqliteChatStore implements ChatStore {
  constructor(private readonly db: Database) {}

  async create(): Promise<ConversationRecord> {
    const now = new Date().toISOString();
    const id = newConversationId();
    this.db.prepare('INSERT INTO chat_conversations (id, created_at, updated_at) VALUES (?, ?, ?)').run(id, now, now);
    return { id, createdAt: now, updatedAt: now };
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    return this.#get(id);
  }

  async messages(id: string): Promise<MessageParam[]> {
    return this.db
      .prepare<[string], MessageRow>('SELECT role, content FROM chat_messages WHERE conversation_id = ? ORDER BY seq')
      .all(id)
      .map(toMessage);
  }

  async append(id: string, message: MessageParam): Promise<void> {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const { next } = this.db
        .prepare<[string], { next: number }>(
          'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM chat_messages WHERE conversation_id = ?',
        )
        .get(id)!;
      this.db
        .prepare('INSERT INTO chat_messages (conversation_id, seq, role, content, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, next, message.role, JSON.stringify(message.content), now);
      this.db.prepare('UPDATE chat_conversations SET updated_at = ? WHERE id = ?').run(now, id);
    })();
  }

  async setPending(id: string, action: PendingAction | undefined): Promise<void> {
    this.#setPending(id, action);
  }

  async takePending(id: string): Promise<PendingAction | undefined> {
    return this.db.transaction(() => {
      const pending = this.#get(id)?.pending;
      if (pending) this.#setPending(id, undefined);
      return pending;
    })();
  }

  async recordRun(id: string, runId: string): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO chat_runs (conversation_id, run_id, created_at) VALUES (?, ?, ?)')
      .run(id, runId, new Date().toISOString());
  }

  async runs(id: string): Promise<string[]> {
    return this.db
      .prepare<[string], { run_id: string }>(
        'SELECT run_id FROM chat_runs WHERE conversation_id = ? ORDER BY created_at',
      )
      .all(id)
      .map((row) => row.run_id);
  }

  #get(id: string): ConversationRecord | undefined {
    const row = this.db
      .prepare<[string], ConversationRow>(
        'SELECT id, created_at, updated_at, pending FROM chat_conversations WHERE id = ?',
      )
      .get(id);
    return row && toConversation(row);
  }

  #setPending(id: string, action: PendingAction | undefined): void {
    this.db
      .prepare('UPDATE chat_conversations SET pending = ?, updated_at = ? WHERE id = ?')
      .run(action ? JSON.stringify(action) : null, new Date().toISOString(), id);
  }
}

export class PostgresChatStore implements ChatStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(): Promise<ConversationRecord> {
    const now = new Date().toISOString();
    const id = newConversationId();
    await this.pool.query('INSERT INTO chat_conversations (id, created_at, updated_at) VALUES ($1, $2, $2)', [id, now]);
    return { id, createdAt: now, updatedAt: now };
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    const { rows } = await this.pool.query<ConversationRow>(
      'SELECT id, created_at, updated_at, pending FROM chat_conversations WHERE id = $1',
      [id],
    );
    return rows[0] && toConversation(rows[0]);
  }

  async messages(id: string): Promise<MessageParam[]> {
    const { rows } = await this.pool.query<MessageRow>(
      'SELECT role, content FROM chat_messages WHERE conversation_id = $1 ORDER BY seq',
      [id],
    );
    return rows.map(toMessage);
  }

  async append(id: string, message: MessageParam): Promise<void> {
    const now = new Date().toISOString();
    await inTransaction(this.pool, async (client) => {
      // The conversation's row lock orders appends from any node; the next seq is read after taking it.
      await client.query('UPDATE chat_conversations SET updated_at = $2 WHERE id = $1', [id, now]);
      await client.query(
        `INSERT INTO chat_messages (conversation_id, seq, role, content, created_at)
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM chat_messages WHERE conversation_id = $1`,
        [id, message.role, JSON.stringify(message.content), now],
      );
    });
  }

  async setPending(id: string, action: PendingAction | undefined): Promise<void> {
    await this.pool.query('UPDATE chat_conversations SET pending = $2, updated_at = $3 WHERE id = $1', [
      id,
      action ? JSON.stringify(action) : null,
      new Date().toISOString(),
    ]);
  }

  async takePending(id: string): Promise<PendingAction | undefined> {
    // The inner SELECT locks the row; of two takers the second then sees the pending action already cleared.
    const { rows } = await this.pool.query<{ pending: string | null }>(
      `UPDATE chat_conversations SET pending = NULL, updated_at = $2
       FROM (SELECT id, pending FROM chat_conversations WHERE id = $1 FOR UPDATE) AS before
       WHERE chat_conversations.id = before.id AND before.pending IS NOT NULL
       RETURNING before.pending`,
      [id, new Date().toISOString()],
    );
    const pending = rows[0]?.pending;
    return pending ? (JSON.parse(pending) as PendingAction) : undefined;
  }

  async recordRun(id: string, runId: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO chat_runs (conversation_id, run_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [id, runId, new Date().toISOString()],
    );
  }

  async runs(id: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ run_id: string }>(
      'SELECT run_id FROM chat_runs WHERE conversation_id = $1 ORDER BY created_at',
      [id],
    );
    return rows.map((row) => row.run_id);
  }
}
