// The real server (runner, loader, Stripe + Claude emulators) with the chat and the web page mounted, on port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createLocalExecutors } from '../../../src/adapters/local.ts';
import { createServiceExecutors, serviceSecrets } from '../../../src/services/service-endpoints.ts';
import { startRun } from '../../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../../src/osop/load.ts';
import { startSandbox, SANDBOX_ANTHROPIC_KEY, type Sandbox, type StreamPacing } from '../../../src/sandbox/start.ts';
import { chatModule } from '../../../src/server/chat/chat-module.ts';
import { chatMigrations } from '../../../src/server/chat/chat-store.ts';
import { startServer, type RunningServer } from '../../../src/server/start-server.ts';
import { webModule } from '../../../src/server/web/web-routes.ts';
import { apiClient } from '../../server/support/api-client.ts';

export interface SandboxServer extends RunningServer {
  sandbox: Sandbox;
  /** fetch relative to the server, with the token when one is set. */
  api(path: string, init?: RequestInit): Promise<Response>;
  cleanup(): Promise<void>;
}

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');

export interface SandboxServerOptions {
  token?: string;
  workflowsDir?: string;
  /** Pace the emulated Claude stream (default: all at once, so tests that only read the text stay fast). */
  pacing?: StreamPacing;
  /** Let `cli` nodes run (off by default, as on a real server). */
  allowCli?: boolean;
  /** More `${secrets.NAME}` values beside the sandbox's Stripe and Claude keys. */
  secrets?: Record<string, string>;
  /** Another database than a fresh SQLite file (a postgres:// URL: a node of a cluster). */
  dbFile?: string;
  /** Record every run's inspection log (`serve --inspect-log`); on by default here, for the inspector's tests. */
  inspectLog?: boolean;
}

export const startSandboxServer = async (options: SandboxServerOptions = {}): Promise<SandboxServer> => {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-chat-'));
  const dbFile = options.dbFile ?? join(dir, 'sopstate.db');
  const sandbox = await startSandbox({ pacing: options.pacing });
  const modes = { stripe: 'sandbox', anthropic: 'sandbox' } as const;
  const server = await startServer({
    workflowsDir: options.workflowsDir ?? EXAMPLES,
    dbFile,
    port: 0,
    token: options.token,
    migrations: chatMigrations,
    allowCli: options.allowCli,
    inspectLog: options.inspectLog ?? true,
    secrets: serviceSecrets(modes, {}, options.secrets),
    log: () => {},
    runtime: {
      startRun,
      load: loadWorkflowFile,
      createExecutors: () => ({
        ...createLocalExecutors({ allowCli: options.allowCli }),
        ...createServiceExecutors({ mode: modes, sandbox, env: {} }),
      }),
    },
    routes: [
      webModule(),
      chatModule({
        anthropic: new Anthropic({ apiKey: SANDBOX_ANTHROPIC_KEY, baseURL: sandbox.anthropicUrl, logLevel: 'off' }),
      }),
    ],
  });
  return {
    ...server,
    sandbox,
    api: apiClient(server.url, options.token),
    cleanup: async () => {
      await server.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
