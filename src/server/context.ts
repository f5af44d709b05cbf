// What every route module gets: the stores and services of one server.
import type { Database } from 'better-sqlite3';
import type { Workflow } from '../osop/workflow.ts';
import type { Store } from '../store/store.ts';
import type { RunManager } from './run-manager.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

export interface ServerContext {
  /** The server's SQLite database, for route modules that keep their own tables (chat); absent in cluster mode. */
  db?: Database;
  store: Store;
  manager: RunManager;
  catalog: WorkflowCatalog;
  /** `cli` nodes may run only when the operator allowed it. */
  allowCli: boolean;
  /** Whether the server can provide `${secrets.NAME}` (values stay in the run manager). */
  hasSecret: (name: string) => boolean;
  /** SSE comment lines keep idle connections (and proxies) alive. */
  heartbeatMs: number;
  renderMermaid?: (workflow: Workflow) => string;
}
