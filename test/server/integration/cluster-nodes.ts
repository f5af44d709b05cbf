// `sopstate serve` nodes of one cluster as child processes (spawned as `node --import tsx`, so kill -9 hits the
// server itself), and what the cluster tests read from its database.
import pg from 'pg';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { freshSchema } from '../../store/support/postgres.ts';
import { baseEnv, spawnUntil, type Child } from './processes.ts';
import { FIXTURES } from './real-server.ts';

export interface ClusterNode {
  name: string;
  child: Child;
  url: string;
  /** The DBOS executor id of this process start (`<name>-<suffix>`): the runs row's owner, the nodes row's key. */
  executorId: string;
}

export interface NodeOptions {
  db: string;
  workflows: string;
  env: NodeJS.ProcessEnv;
  concurrency: number;
  heartbeatTimeoutMs?: number;
  allowCli?: boolean;
}

export const startNode = async (name: string, options: NodeOptions): Promise<ClusterNode> => {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--workflows', options.workflows, '--db', options.db];
  args.push('--port', '0', '--node-id', name, '--concurrency', String(options.concurrency));
  if (options.heartbeatTimeoutMs) args.push('--heartbeat-timeout', String(options.heartbeatTimeoutMs));
  if (options.allowCli) args.push('--allow-cli');
  // The cluster tests read a finished run's inspection records from another node.
  args.push('--inspect-log');
  const child = await spawnUntil(args, options.env, /sopstate serving .* at http/);
  const [, url, executorId] = /at (http:\/\/\S+) as cluster node (\S+)/.exec(child.line) ?? [];
  if (!url || !executorId) throw new Error(`node ${name} did not say its URL and node id: ${child.line}`);
  return { name, child, url, executorId };
};

export const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

export const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const startRunOn = async (node: ClusterNode, workflow: string, inputs?: Record<string, unknown>) =>
  (await json<{ runId: string }>(`${node.url}/api/runs`, postJson({ workflow, inputs }))).runId;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` gives a value; `what` names it when the time runs out. */
export const eventually = async <T>(probe: () => Promise<T | undefined>, what: string, ms: number): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
};

/** Waits until the run waits at a human node, as `node` sees it. */
export const waitingOn = (node: ClusterNode, runId: string): Promise<true> =>
  eventually(
    async () =>
      (await json<{ waiting: string[] }>(`${node.url}/api/runs/${runId}`)).waiting.length ? true : undefined,
    `run ${runId} to wait for review on ${node.name}`,
    20_000,
  );

/** Waits until the run has ended, as `node` sees it: its final status. */
export const endedOn = async (node: ClusterNode, runId: string): Promise<string> =>
  (
    await eventually(
      async () => {
        const seen = await json<{ status: string }>(`${node.url}/api/runs/${runId}`);
        return seen.status === 'RUNNING' ? undefined : seen;
      },
      `run ${runId} to end`,
      20_000,
    )
  ).status;

/** A fresh schema on `pgUrl` and a reader of it; `cleanups` closes the reader and drops the schema. */
export async function freshCluster(
  pgUrl: string,
  cleanups: Array<() => Promise<void> | void>,
): Promise<{ url: string; db: ClusterDb }> {
  const schema = await freshSchema(pgUrl);
  cleanups.push(schema.drop);
  const db = await ClusterDb.connect(schema.url);
  cleanups.push(() => db.close());
  return { url: schema.url, db };
}

/** A fresh cluster and options for nodes running the test fixtures there (approve-refund: a human node, then cli). */
export async function fixtureCluster(
  pgUrl: string,
  cleanups: Array<() => Promise<void> | void>,
  heartbeatTimeoutMs: number,
): Promise<{ url: string; db: ClusterDb; options: NodeOptions }> {
  const { url, db } = await freshCluster(pgUrl, cleanups);
  const options = { db: url, workflows: FIXTURES, env: baseEnv(), concurrency: 4, heartbeatTimeoutMs, allowCli: true };
  return { url, db, options };
}

/** Reads the cluster's tables (the URL's schema) and DBOS's (`<schema>_dbos`). */
export class ClusterDb {
  readonly #client: pg.Client;
  readonly #dbos: string;

  private constructor(client: pg.Client, dbos: string) {
    this.#client = client;
    this.#dbos = dbos;
  }

  static async connect(url: string): Promise<ClusterDb> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
    return new ClusterDb(client, `${rows[0].schema}_dbos`);
  }

  get client(): pg.Client {
    return this.#client;
  }

  async events(runId: string): Promise<RunEvent[]> {
    const { rows } = await this.#client.query<{ json: string }>(
      'SELECT json FROM events WHERE run_id = $1 ORDER BY seq',
      [runId],
    );
    return rows.map((row) => JSON.parse(row.json) as RunEvent);
  }

  /** RUNNING runs whose current owner is this executor; with `upToSeq`, only those with at most that many events. */
  async runningOwnedBy(executorId: string, upToSeq?: number): Promise<string[]> {
    const { rows } = await this.#client.query<{ id: string }>(
      "SELECT id FROM runs WHERE owner = $1 AND status = 'RUNNING' AND ($2::integer IS NULL OR last_seq <= $2)",
      [executorId, upToSeq ?? null],
    );
    return rows.map((row) => row.id);
  }

  async owners(runIds: string[]): Promise<Map<string, string | null>> {
    const { rows } = await this.#client.query<{ id: string; owner: string | null }>(
      'SELECT id, owner FROM runs WHERE id = ANY($1)',
      [runIds],
    );
    return new Map(rows.map((row) => [row.id, row.owner]));
  }

  async nodeRow(executorId: string): Promise<{ silentMs: number } | undefined> {
    const { rows } = await this.#client.query<{ silent_ms: number }>(
      `SELECT (extract(epoch FROM now() - heartbeat_at) * 1000)::float8 AS silent_ms FROM nodes WHERE executor_id = $1`,
      [executorId],
    );
    return rows[0] && { silentMs: rows[0].silent_ms };
  }

  /** DBOS's view of the runs' workflows: status and the executor that holds (or last held) each. */
  async workflows(runIds: string[]): Promise<Array<{ id: string; status: string; executor: string }>> {
    const { rows } = await this.#client.query<{ id: string; status: string; executor: string }>(
      `SELECT workflow_uuid AS id, status, executor_id AS executor FROM "${this.#dbos}".workflow_status
       WHERE workflow_uuid = ANY($1) ORDER BY workflow_uuid`,
      [runIds],
    );
    return rows;
  }

  /** For a failure message: each unfinished run's row, DBOS workflow and last events, and the nodes table. */
  async stuckReport(runIds: string[]): Promise<string> {
    const { rows } = await this.#client.query<Record<string, unknown>>(
      `SELECT r.id, r.status, r.owner, w.status AS dbos_status, w.executor_id AS dbos_executor, w.queue_name,
         (SELECT string_agg(e.seq || ':' || (e.json::json->>'type') || ':' || coalesce(e.json::json->>'node', ''), ' '
            ORDER BY e.seq) FROM (SELECT * FROM events WHERE run_id = r.id ORDER BY seq DESC LIMIT 4) e) AS last_events
       FROM runs r LEFT JOIN "${this.#dbos}".workflow_status w ON w.workflow_uuid = r.id
       WHERE r.id = ANY($1) AND r.status = 'RUNNING'`,
      [runIds],
    );
    const nodes = await this.#client.query('SELECT executor_id, heartbeat_at FROM nodes');
    return `unfinished: ${JSON.stringify(rows, null, 1)}\nnodes: ${JSON.stringify(nodes.rows)}`;
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
