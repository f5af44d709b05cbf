// Mounts the chat on a server app: `createApp(ctx, {routes: [chatModule({db, anthropic})]})`.
import type { Database } from 'better-sqlite3';
import { migrate } from '../../store/migrations.ts';
import type { RouteModule } from '../app.ts';
import { chatRoutes, type ChatRouteDeps } from './chat-routes.ts';
import { ChatStore, chatMigrations } from './chat-store.ts';

export interface ChatModuleOptions {
  /** The server's database; the chat tables are added to it (idempotent). */
  db: Database;
  anthropic: ChatRouteDeps['anthropic'];
  model?: string;
}

export const chatModule = ({ db, anthropic, model }: ChatModuleOptions): RouteModule => (app, ctx) => {
  migrate(db, chatMigrations);
  app.route(
    '/',
    chatRoutes({
      store: new ChatStore(db),
      anthropic,
      model,
      fetch: (path, init) => Promise.resolve(app.request(path, init)),
      inspectWorkflow: async (id) => {
        const entry = await ctx.catalog.get(id).catch(() => undefined);
        return entry?.workflow as unknown as Record<string, unknown> | undefined;
      },
    }),
  );
};
