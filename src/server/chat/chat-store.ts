// Conversations, their messages (as Anthropic message params) and the one action each may have waiting.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { Migration } from '../../store/migrations.ts';
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

export class ChatStore {
  constructor(private readonly db: Database) {}

  create(): ConversationRecord {
    const now = new Date().toISOString();
    const id = `conv_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    this.db.prepare('INSERT INTO chat_conversations (id, created_at, updated_at) VALUES (?, ?, ?)').run(id, now, now);
    return { id, createdAt: now, updatedAt: now };
  }

  get(id: string): ConversationRecord | undefined {
    const row = this.db
      .prepare<[string], ConversationRow>(
        'SELECT id, created_at, updated_at, pending FROM chat_conversations WHERE id = ?',
      )
      .get(id);
    if (!row) return undefined;
    return {
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(row.pending ? { pending: JSON.parse(row.pending) as PendingAction } : {}),
    };
  }

  messages(id: string): MessageParam[] {
    return this.db
      .prepare<[string], { role: 'user' | 'assistant'; content: string }>(
        'SELECT role, content FROM chat_messages WHERE conversation_id = ? ORDER BY seq',
      )
      .all(id)
      .map((row) => ({ role: row.role, content: JSON.parse(row.content) as MessageParam['content'] }));
  }

  append(id: string, message: MessageParam): void {
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
      this.touch(id, now);
    })();
  }

  setPending(id: string, action: PendingAction | undefined): void {
    this.db
      .prepare('UPDATE chat_conversations SET pending = ?, updated_at = ? WHERE id = ?')
      .run(action ? JSON.stringify(action) : null, new Date().toISOString(), id);
  }

  /** Takes the waiting action away atomically, so two confirmations cannot both start it. */
  takePending(id: string): PendingAction | undefined {
    return this.db.transaction(() => {
      const pending = this.get(id)?.pending;
      if (pending) this.setPending(id, undefined);
      return pending;
    })();
  }

  recordRun(id: string, runId: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO chat_runs (conversation_id, run_id, created_at) VALUES (?, ?, ?)')
      .run(id, runId, new Date().toISOString());
  }

  runs(id: string): string[] {
    return this.db
      .prepare<[string], { run_id: string }>(
        'SELECT run_id FROM chat_runs WHERE conversation_id = ? ORDER BY created_at',
      )
      .all(id)
      .map((row) => row.run_id);
  }

  private touch(id: string, now: string): void {
    this.db.prepare('UPDATE chat_conversations SET updated_at = ? WHERE id = ?').run(now, id);
  }
}
