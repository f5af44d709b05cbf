// Mounts the chat on a server app: `createApp(ctx, {routes: [chatModule({anthropic})]})`.
import type { Database } from 'better-sqlite3';
import { migrate } from '../../store/migrations.ts';
import type { RouteModule } from '../app.ts';
import { chatModelFrom, createChatClaude, type ChatClaudeOptions } from './chat-claude.ts';
import { chatRoutes, type ChatRouteDeps } from './chat-routes.ts';
import { ChatStore, chatMigrations } from './chat-store.ts';

export interface ChatModuleOptions {
  /** Where conversations live; default the server's own database (`ctx.db`). Chat tables are added (idempotent). */
  db?: Database;
  anthropic: ChatRouteDeps['anthropic'];
  model?: string;
}

export const chatModule =
  ({ db: ownDb, anthropic, model }: ChatModuleOptions): RouteModule =>
  (app, ctx) => {
    const db = ownDb ?? ctx.db;
    if (!db) throw new Error('the chat keeps conversations in SQLite: give chatModule a db in cluster mode');
    migrate(db, chatMigrations);
    app.route(
      '/',
      chatRoutes({
        store: new ChatStore(db),
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
