// Composes store, catalog, run manager and routes into a listening server; restores unfinished runs first.
import { randomUUID } from 'node:crypto';
import { join, dirname, resolve } from 'node:path';
import type { ExecutorRegistry } from '../adapters/executor.ts';
import type { LoadResult, Workflow } from '../osop/workflow.ts';
import { knownSecrets } from '../services/secrets.ts';
import { maskUserInfo } from '../util/redact.ts';
import { withDefaults } from '../util/with-defaults.ts';
import { lockDatabase, type DatabaseLock } from '../store/database-lock.ts';
import { osoplogTextWriter } from '../store/osoplog-files.ts';
import type { Migration } from '../store/migrations.ts';
import { isPostgresUrl, openPostgresStore } from '../store/postgres-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { createApp, type RouteModule } from './app.ts';
import { assertSafeBinding, isLoopback } from './binding.ts';
import type { ServerContext } from './context.ts';
import { ClusterLink } from './cluster/cluster-link.ts';
import { DbosPlacement } from './cluster/dbos-placement.ts';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from './cluster/heartbeat-timeout.ts';
import { EventHub } from './event-hub.ts';
import { listen } from './listen.ts';
import { SERVER_DEFAULTS } from './server-defaults.ts';
import { RunManager, type RestoreReport, type SecretSource, type StartRun } from './run-manager.ts';
import { WorkflowCatalog } from './workflow-catalog.ts';
import { InspectionLog } from './inspection-log.ts';
import { inspectRoutes } from './routes/inspect.ts';

/** The parts that do the work; tests may swap them for fakes. */
export interface ServerRuntime {
  startRun: StartRun;
  load: (file: string) => Promise<LoadResult>;
  createExecutors: () => ExecutorRegistry;
  renderMermaid?: (workflow: Workflow) => string;
}

export interface ServerOptions {
  workflowsDir: string;
  /** A SQLite file (one machine), or a postgres:// URL (cluster mode: every node on the same database). */
  dbFile: string;
  /** Who this process is among the cluster's nodes; unique per process start by default. */
  nodeId?: string;
  /** Cluster mode: place runs through DBOS (queue `runs`, this many at once on this node), heartbeats, recovery. */
  placement?: { concurrency: number; heartbeatTimeoutMs?: number };
  runtime: ServerRuntime;
  port?: number;
  host?: string;
  token?: string;
  allowCli?: boolean;
  /** Values for `${secrets.X}` (a run gets only those its workflow uses; redacted from everything it emits). */
  secrets?: Record<string, string> | SecretSource;
  env?: Record<string, string>;
  /** Record every run's XState inspection log (`--inspect-log`); default: a run only while an inspector follows it. */
  inspectLog?: boolean;
  /** Where `.osoplog.yaml` files go; default `<db folder>/osoplogs`. */
  logDir?: string;
  heartbeatMs?: number;
  /** Live events an SSE client may lag behind before it is dropped (it then resumes by Last-Event-ID). */
  subscriberBuffer?: number;
  maxBodyBytes?: number;
  corsOrigins?: string[];
  /** Extra route modules (chat, web page). */
  routes?: RouteModule[];
  /** Migrations of those modules, applied to the same (SQLite) database. */
  migrations?: readonly Migration[];
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  context: ServerContext;
  restored: RestoreReport;
  close(): Promise<void>;
}

export const startServer = async (given: ServerOptions): Promise<RunningServer> => {
  const options = withDefaults(SERVER_DEFAULTS, given);
  const host = options.host;
  assertSafeBinding(host, options.token);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cluster = isPostgresUrl(options.dbFile);
  // Two servers on one SQLite file would both resume the same runs; in a cluster the epochs fence them instead.
  const lock: DatabaseLock | undefined = cluster ? undefined : lockDatabase(options.dbFile);
  let sqlite;
  let postgres;
  // One value for both: how long a silent node counts as alive, and how long its open transactions may idle.
  const heartbeatTimeoutMs = options.placement?.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  try {
    sqlite = cluster
      ? undefined
      : openSqliteStore(options.dbFile, options.migrations, (id) =>
          log(`upgrading ${options.dbFile}: applying migration ${id} (once; a big file takes a while)`),
        );
    postgres = sqlite
      ? undefined
      : await openPostgresStore(options.dbFile, {
          // A node silent this long counts as dead: its open transactions end too, so they hold no lock the others need.
          idleTransactionTimeoutMs: heartbeatTimeoutMs,
          onError: (error) => log(`the database connection failed: ${maskUserInfo(error.message)}`),
        });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const store: Store = sqlite ?? (postgres as Store);
  const hub = new EventHub({ bufferSize: options.subscriberBuffer });
  const link = postgres && new ClusterLink(options.dbFile, postgres, hub, log);
  const nodeId = options.nodeId ? `${options.nodeId}-${randomUUID().slice(0, 8)}` : `node-${randomUUID()}`;
  let placement: DbosPlacement | undefined;
  const inspection = new InspectionLog(store, {
    bufferSize: options.subscriberBuffer,
    log,
    recordAll: options.inspectLog ?? false,
  });
  const catalog = new WorkflowCatalog({ dir: options.workflowsDir, load: options.runtime.load });
  const secrets = options.secrets ?? {};
  const secret: SecretSource = typeof secrets === 'function' ? secrets : (name) => secrets[name];
  const logDir =
    options.logDir ?? (cluster ? resolve('.sopstate', 'osoplogs') : join(dirname(resolve(options.dbFile)), 'osoplogs'));
  const manager = new RunManager({
    store,
    nodeId,
    place: postgres && options.placement ? (runId) => (placement as DbosPlacement).enqueue(runId) : undefined,
    hub,
    remote: link,
    startRun: inspection.recording(options.runtime.startRun),
    createExecutors: options.runtime.createExecutors,
    loadWorkflow: async (run) => {
      const result = await catalog.loadFile(run.workflowFile);
      if (!result.workflow)
        throw new Error(`${run.workflowFile} no longer loads: ${result.diagnostics[0]?.message ?? 'invalid'}`);
      return result.workflow;
    },
    secret,
    masked: knownSecrets((name) => (name === 'SOPSTATE_TOKEN' ? options.token : secret(name))),
    env: options.env,
    writeOsoplog: osoplogTextWriter(logDir),
    workflowHash: (workflow) => catalog.hashOf(workflow),
    log,
  });
  const context: ServerContext = {
    db: sqlite?.db,
    store,
    manager,
    catalog,
    allowCli: options.allowCli ?? false,
    hasSecret: (name) => Boolean(secret(name)),
    heartbeatMs: options.heartbeatMs,
    renderMermaid: options.runtime.renderMermaid,
  };
  catalog.warm(log);
  await link?.start({
    isLive: (runId) => manager.drives(runId),
    liveRunIds: () => manager.liveRunIds(),
    waiting: (runId) => manager.waiting(runId),
    deliver: (runId, node, decision) => manager.signalLocal(runId, node, decision) === 'delivered',
    cancelLocal: (runId) => manager.cancelLocal(runId),
    epochOf: (runId) => manager.epochOf(runId),
    release: (runId) => manager.release(runId),
  });
  if (postgres && options.placement) {
    placement = new DbosPlacement({
      url: options.dbFile,
      pool: postgres.pool,
      executorId: nodeId,
      concurrency: options.placement.concurrency,
      heartbeatTimeoutMs,
      drive: (runId) => manager.drive(runId),
      log,
    });
    await placement.launch();
  }
  // With placement, a dead node's runs come back through the queue (the sweeper), not by a startup scan.
  const restored: RestoreReport = placement ? { restored: [], failed: [] } : await manager.restore();
  for (const failure of restored.failed) log(`run ${failure.runId} could not be resumed: ${failure.reason}`);
  const app = createApp(context, {
    token: options.token,
    maxBodyBytes: options.maxBodyBytes,
    corsOrigins: options.corsOrigins,
    loopbackOnly: isLoopback(host),
    routes: [inspectRoutes(inspection), ...(options.routes ?? [])],
  });
  let listening;
  try {
    listening = await listen(app, { port: options.port, host });
  } catch (error) {
    await manager.close();
    await placement?.close();
    await link?.close();
    await store.close();
    lock?.release();
    throw error;
  }
  return {
    url: listening.url,
    port: listening.port,
    context,
    restored,
    close: async () => {
      await listening.close();
      inspection.close();
      // Runs first (they stay RUNNING, writing nothing more), then the node's placement: what it held is re-queued.
      await manager.close();
      await placement?.close();
      await link?.close();
      await store.close();
      lock?.release();
    },
  };
};
