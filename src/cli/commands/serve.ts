// `sopstate serve`: runs over HTTP with live SSE, durable in SQLite (or PostgreSQL in cluster mode), resumed after a crash.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { RouteModule } from '../../server/app.ts';
import { assertSafeBinding, UnsafeBindingError } from '../../server/binding.ts';
import { SERVER_DEFAULTS } from '../../server/server-defaults.ts';
import { parsePacing, REALISTIC_PACING, type StreamPacing } from '../../sandbox/anthropic/pacing.ts';
import { DatabaseLockedError } from '../../store/database-lock.ts';
import type { ChatClaudeOptions } from '../../server/chat/chat-claude.ts';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../../server/cluster/heartbeat-timeout.ts';
import { isPostgresUrl } from '../../store/database-url.ts';

interface ServeFlags {
  port: number;
  host: string;
  workflows: string;
  db?: string;
  nodeId?: string;
  concurrency: number;
  heartbeatTimeout: number;
  allowCli?: boolean;
  sandbox?: boolean;
  logDir?: string;
  inspectLog?: boolean;
}

const port = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return parsed;
};

const count = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('a whole number (0 or more)');
  return parsed;
};

const milliseconds = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 300) throw new InvalidArgumentError('a whole number of ms, at least 300');
  return parsed;
};

/** Extra route modules mounted on the server: the web page and the chat (Claude live with a key, else the sandbox's). */
const routeModules = async (options: ChatClaudeOptions): Promise<RouteModule[]> => {
  const [{ webModule }, { chatModuleFromEnv }] = await Promise.all([
    import('../../server/web/web-routes.ts'),
    import('../../server/chat/chat-module.ts'),
  ]);
  return [webModule(), chatModuleFromEnv(options)];
};

const DEFAULT_DB = '.sopstate/sopstate.db';

/** --db, else DATABASE_URL when it is a postgres:// URL, else the default SQLite file. */
const chooseDatabase = (flag: string | undefined, env: NodeJS.ProcessEnv): string => {
  const value = flag ?? (env.DATABASE_URL && isPostgresUrl(env.DATABASE_URL) ? env.DATABASE_URL : DEFAULT_DB);
  return isPostgresUrl(value) ? value : resolve(value);
};

const fail = (message: string): never => {
  process.stderr.write(`sopstate serve: ${message}\n`);
  process.exit(2);
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve workflows over HTTP: start runs, stream their events (SSE), approve human steps')
    .option('--port <port>', 'port to listen on (0 = any free port)', port, SERVER_DEFAULTS.port)
    .option('--host <host>', 'address to bind; beyond loopback needs SOPSTATE_TOKEN', SERVER_DEFAULTS.host)
    .option('--workflows <dir>', 'folder of .osop.yaml files the server may run', 'examples')
    .option(
      '--db <file|url>',
      `SQLite file for runs and events, or postgres://… for cluster mode (default: DATABASE_URL, else ${DEFAULT_DB})`,
    )
    .option('--node-id <id>', 'name of this node in a cluster (a unique suffix is added per process start)')
    .option(
      '--concurrency <n>',
      'cluster mode: runs a node drives at once (one limit for every node: the last started sets it); ' +
        '0 = this node serves the API and streams but drives no runs',
      count,
      10,
    )
    .option(
      '--heartbeat-timeout <ms>',
      'cluster mode: a node silent this long is dead and its unfinished runs go to the other nodes',
      milliseconds,
      DEFAULT_HEARTBEAT_TIMEOUT_MS,
    )
    .option('--allow-cli', 'allow workflows to run cli nodes (shell commands)')
    .option('--sandbox', 'emulate Stripe and Claude even when keys are set')
    .option('--log-dir <dir>', 'where .osoplog.yaml files go (default: next to the database)')
    .option(
      '--inspect-log',
      "record every run's XState inspection log, so a finished run can be inspected later (default: only while an inspector follows the run)",
    )
    .action(async (flags: ServeFlags) => {
      const workflowsDir = resolve(flags.workflows);
      if (!existsSync(workflowsDir) || !statSync(workflowsDir).isDirectory()) {
        fail(`--workflows ${flags.workflows} is not a folder: point it at the folder holding your .osop.yaml files`);
      }
      const token = process.env.SOPSTATE_TOKEN?.trim() || undefined;
      try {
        assertSafeBinding(flags.host, token);
      } catch (error) {
        fail((error as Error).message);
      }
      let pacing: StreamPacing;
      try {
        // The page should show the receipt being written, as it would be with the real API.
        pacing = parsePacing(process.env.SOPSTATE_SANDBOX_PACING) ?? REALISTIC_PACING;
      } catch (error) {
        return fail((error as Error).message);
      }
      const [{ createRuntime }, { startServer }] = await Promise.all([
        import('../../server/runtime.ts'),
        import('../../server/start-server.ts'),
      ]);
      let announced = false;
      const {
        runtime,
        secret,
        sandbox,
        close: closeRuntime,
      } = await createRuntime({
        allowCli: flags.allowCli,
        forceSandbox: flags.sandbox,
        pacing,
        announce: (line) => {
          if (!announced) process.stderr.write(`${line}\n`);
          announced = true;
        },
      });
      const dbFile = chooseDatabase(flags.db, process.env);
      try {
        const server = await startServer({
          workflowsDir,
          dbFile,
          nodeId: flags.nodeId,
          placement: isPostgresUrl(dbFile)
            ? { concurrency: flags.concurrency, heartbeatTimeoutMs: flags.heartbeatTimeout }
            : undefined,
          port: flags.port,
          host: flags.host,
          token,
          allowCli: flags.allowCli,
          logDir: flags.logDir ? resolve(flags.logDir) : undefined,
          inspectLog: flags.inspectLog ?? false,
          runtime,
          secrets: secret,
          routes: await routeModules({ forceSandbox: flags.sandbox, sandbox }),
        });
        const resumed = server.restored.restored.length;
        const node = isPostgresUrl(dbFile) ? ` as cluster node ${server.context.manager.nodeId}` : '';
        process.stdout.write(
          `sopstate serving ${workflowsDir} at ${server.url}${node}${resumed ? ` (${resumed} unfinished run(s) resumed)` : ''}\n`,
        );
        const stop = () => {
          void server
            .close()
            .then(closeRuntime)
            .finally(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (error) {
        await closeRuntime();
        if (error instanceof UnsafeBindingError || error instanceof DatabaseLockedError) fail(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') fail(`port ${flags.port} is in use on ${flags.host}: pick another with --port`);
        if (code === 'EADDRNOTAVAIL') fail(`cannot bind ${flags.host}: no such local address`);
        throw error;
      }
    });
}
