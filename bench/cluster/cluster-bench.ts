// Section 7: the seed SOP through `sopstate serve` processes — one node on SQLite, then 1, 2 and 3 cluster nodes on one
// PostgreSQL (each configuration in a fresh schema), all against the same emulator process. Runs are posted to the
// nodes' HTTP API round robin, all at once, and the batch ends when none is RUNNING: runs/s over the batch, and the
// CPU (user + system) of the node processes per run. PostgreSQL's own CPU is not counted.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { cpuMsOf, startServeProcess, type ServeProcess } from '../lib/serve-process.ts';

const SEED_ID = 'sop-stripe-payment';
const CLI = resolve(REPO_ROOT, 'dist/cli/main.js');

export interface ClusterPlan {
  /** Runs per measured batch. */
  runs: number;
  /** Unmeasured runs first, on each configuration. */
  warmupRuns: number;
  /** --concurrency of every node. */
  concurrency: number;
  nodeCounts: number[];
}

interface ClusterLevel {
  store: 'sqlite' | 'postgres';
  nodes: number;
  runs: number;
  runsPerSec: number;
  /** CPU ms of the node processes per run. */
  cpuMsPerRun: number;
  failed: number;
}

export type ClusterReport = { levels: ClusterLevel[]; concurrency: number; cli: string } | { skipped: string };

type Node = ServeProcess;

const startNode = (db: string, name: string, concurrency: number, sandbox: SandboxUrls): Promise<Node> =>
  startServeProcess(
    CLI,
    ['--workflows', 'examples', '--db', db, '--port', '0', '--node-id', name, '--concurrency', String(concurrency)],
    sandbox,
    `node ${name}`,
  );

const post = async (node: Node): Promise<void> => {
  const response = await fetch(`${node.url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: SEED_ID }),
  });
  if (response.status !== 201) throw new Error(`POST /api/runs: HTTP ${response.status} ${await response.text()}`);
};

const count = async (node: Node, status: string): Promise<number> =>
  ((await (await fetch(`${node.url}/api/runs?status=${status}&limit=1`)).json()) as { total: number }).total;

/** Posts `runs` seed runs across the nodes at once and waits until none is RUNNING. */
const batch = async (nodes: Node[], runs: number): Promise<{ elapsedMs: number; cpuMs: number }> => {
  const cpu = () => nodes.reduce((sum, node) => sum + cpuMsOf(node.process.pid as number), 0);
  const cpuBefore = cpu();
  const started = performance.now();
  await Promise.all(Array.from({ length: runs }, (_, index) => post(nodes[index % nodes.length])));
  while ((await count(nodes[0], 'RUNNING')) > 0) await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  return { elapsedMs: performance.now() - started, cpuMs: cpu() - cpuBefore };
};

const measure = async (
  store: ClusterLevel['store'],
  nodes: Node[],
  plan: ClusterPlan,
  failed: () => Promise<number>,
): Promise<ClusterLevel> => {
  await batch(nodes, plan.warmupRuns);
  const { elapsedMs, cpuMs } = await batch(nodes, plan.runs);
  return {
    store,
    nodes: nodes.length,
    runs: plan.runs,
    runsPerSec: (plan.runs / elapsedMs) * 1000,
    cpuMsPerRun: cpuMs / plan.runs,
    failed: await failed(),
  };
};

const failedRuns = (node: Node) => async () =>
  (await Promise.all(['FAILED', 'TIMEOUT', 'CANCELLED'].map((status) => count(node, status)))).reduce((a, b) => a + b);

/** A schema of its own on `url`, and the URL that puts the nodes in it. */
const freshSchema = async (url: string): Promise<{ url: string; drop: () => Promise<void> }> => {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_dbos CASCADE`);
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
};

export async function benchCluster(
  plan: ClusterPlan,
  sandbox: SandboxUrls,
  db: string | undefined,
  progress: (line: string) => void,
): Promise<ClusterReport> {
  if (!db) {
    return { skipped: 'needs a PostgreSQL: give --db postgres://… or set SOPSTATE_TEST_PG (scripts/ci-postgres.sh)' };
  }
  const levels: ClusterLevel[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'sopstate-bench-cluster-'));
  try {
    progress(`cluster: ${plan.runs} runs on one node on SQLite`);
    const sqlite = await startNode(join(scratch, 'bench.db'), 'sqlite', plan.concurrency, sandbox);
    try {
      levels.push(await measure('sqlite', [sqlite], plan, failedRuns(sqlite)));
    } finally {
      await sqlite.stop();
    }
    for (const size of plan.nodeCounts) {
      progress(`cluster: ${plan.runs} runs on ${size} node(s) on PostgreSQL`);
      const schema = await freshSchema(db);
      const nodes: Node[] = [];
      try {
        for (let index = 0; index < size; index++) {
          nodes.push(await startNode(schema.url, `n${index + 1}`, plan.concurrency, sandbox));
        }
        levels.push(await measure('postgres', nodes, plan, failedRuns(nodes[0])));
      } finally {
        await Promise.all(nodes.map((node) => node.stop()));
        await schema.drop();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { levels, concurrency: plan.concurrency, cli: existsSync(CLI) ? 'dist/cli/main.js' : 'src (tsx)' };
}
