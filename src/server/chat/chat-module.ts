// Mounts the chat on a server app: `createApp(ctx, {routes: [chatModule({anthropic})]})`.
import type { Database } from 'better-sqlite3';
import { migrate } from '../../store/migrations.ts';
import { PostgresStore } from '../../store/postgres-store.ts';
import type { RouteModule } from '../app.ts';
import type { ServerContext } from '../context.ts';
import { chatModelFrom, createChatClaude, type ChatClaudeOptions } from './chat-claude.ts';
import { chatRoutes, type ChatRouteDeps } from './chat-routes.ts';
import { PostgresChatStore, SqliteChatStore, chatMigrations, type ChatStore } from './chat-store.ts';

export interface ChatModuleOptions {
  /**
   * Where conversations live; default the server's own database: its SQLite file (`ctx.db`, chat tables added,
   * idempotent), or the cluster's PostgreSQL (tables from the cluster's migrations).
   */
  db?: Database;
  anthropic: ChatRouteDeps['anthropic'];
  model?: string;
}

const conversationStore = (own: Database | undefined, ctx: ServerContext): ChatStore => {
  if (!own && ctx.store instanceof PostgresStore) return new PostgresChatStore(ctx.store.pool);
  const db = own ?? ctx.db;
  if (!db) throw new Error('the chat needs a database for its conversations: give chatModule a db');
  migrate(db, chatMigrations);
  return new SqliteChatStore(db);
};

export const chatModule =
  ({ db: ownDb, anthropic, model }: ChatModuleOptions): RouteModule =>
  (app, ctx) => {
    app.route(
      '/',
      chatRoutes({
        store: conversationStore(ownDb, ctx),
        anthropic,
        model,
        fetch: (input, init) => Promise.resolve(app.request(input, init)),
        inspectWorkflow: async (id) => {
          const entry = await ctx.catalog.get(id).catch(() => undefined);
          return entry ? { ...entry.workflow } : undefined;
        },
      }),
    );
  };

/** The chat with Claude chosen like the executors: live with ANTHROPIC_API_KEY, else the sandbox's emulator. */
export const chatModuleFromEnv = (options: ChatClaudeOptions & { db?: Database } = {}): RouteModule =>
  chatModule({ db: options.db, anthropic: createChatClaude(options), model: chatModelFrom(options.env) });
