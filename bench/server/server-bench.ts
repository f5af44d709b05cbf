// Section 8: `sopstate serve` as users run it — one process on SQLite (dist/ when built), the seed SOP started over
// HTTP by 1, 10 and 100 concurrent clients, each following its run over SSE to the final event. Per level: server
// CPU (user + system, /proc) per run, runs/s, start-to-final latency; the same levels against bare-server.ts (the
// floor: node:http and the hand-written XState machine, no store); then /healthz answered while 500 runs are in
// flight (its latency is the server's event-loop delay as a client sees it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { spawnTs } from '../lib/child.ts';
import type { LoopDelay } from '../lib/loop-delay.mjs';
import { cpuMsOf, mainThreadCpuMsOf, startServeProcess, type ServeProcess } from '../lib/serve-process.ts';
import { summarize, type Summary } from '../lib/stats.ts';

const SEED_ID = 'sop-stripe-payment';
const PARKED_ID = 'stripe-refund-approval';
const PARKED_NODE = 'fulfil';
const PARKED_INPUTS = {};

interface RunView {
  waiting: string[];
}
// SOPSTATE_BENCH_SERVE: another build's dist/cli/main.js (a before/after comparison on the same machine).
const CLI = process.env.SOPSTATE_BENCH_SERVE
  ? resolve(process.env.SOPSTATE_BENCH_SERVE)
  : resolve(REPO_ROOT, 'dist/cli/main.js');
const FINAL = /^event: run\.(completed|failed)$/m;

export interface ServerPlan {
  /** [concurrent clients, runs]. */
  levels: Array<[number, number]>;
  warmupRuns: number;
  /** Runs in flight while /healthz is polled. */
  healthRuns: number;
  /** Runs parked at a human node while the server's memory is read. */
  parkedRuns: number;
  /**
   * The server under a steady load, once it is warm: `warmupRuns` runs by `clients` clients not counted (every client
   * has its connection, the code is compiled), then `runs` counted, started by the same clients without a pause. The
   * levels above start cold, with every client's first run at once.
   */
  sustained: { clients: number; warmupRuns: number; runs: number };
  /**
   * One client once the server is warm, after the sustained level: the quick plan's one-client level comes first, 30
   * runs after 30, while V8 is still compiling the hot code (hundreds of TurboFan jobs on its helper threads), so it
   * measures the warm-up as much as the run.
   */
  warmOneClient: { warmupRuns: number; runs: number };
}

interface ServerLevel {
  clients: number;
  runs: number;
  runsPerSec: number;
  /** Server CPU ms per run (HTTP start + SSE follower + SQLite + inspection + .osoplog), all its threads. */
  cpuMsPerRun: number;
  /** The main thread's part of it (the JavaScript); the rest is V8's GC and compiler threads and libuv's pool. */
  mainThreadCpuMsPerRun: number;
  /** POST /api/runs to the run's final event on its SSE stream, ms. */
  latency: Summary;
  failed: number;
}

/** A level counted after `warmupRuns` runs at the same level that were not. */
type SustainedLevel = ServerLevel & { warmupRuns: number };

export interface ServerReport {
  levels: ServerLevel[];
  /** The same levels against a bare node:http server running the hand-written XState machine (bare-server.ts): the floor. */
  bare: ServerLevel[];
  /** /healthz and the event-loop delay of the bare server under the same runs. */
  bareHealth: ServerReport['health'];
  /** The plan's sustained level (see ServerPlan), for `sopstate serve` and for the bare server. */
  sustained: SustainedLevel;
  bareSustained: SustainedLevel;
  /** The plan's warmOneClient level, for `sopstate serve` and for the bare server. */
  warmOneClient: SustainedLevel;
  bareWarmOneClient: SustainedLevel;
  /**
   * /healthz round trips while `runs` seed runs are in flight, ms, and the server's longest and p99 event-loop delay
   * meanwhile (a turn of its loop that ran that long).
   */
  health: { runs: number; latency: Summary; elapsedMs: number; loopMaxMs: number; loopP99Ms: number };
  /**
   * Server RSS (MB) and its heap in use after a full collection (heap*, MB): before, with `runs` parked at a human
   * node, and once they all finished.
   */
  parked: {
    runs: number;
    baseMb: number;
    parkedMb: number;
    afterMb: number;
    heapBaseMb: number;
    heapParkedMb: number;
    heapAfterMb: number;
  };
  cli: string;
}

const startServe = (db: string, sandbox: SandboxUrls, extraArgs: string[] = [], workflows = 'examples') =>
  startServeProcess(CLI, ['--workflows', workflows, '--db', db, '--port', '0', ...extraArgs], sandbox);

/** Starts one seed run and follows its SSE stream to the final event: ms from the POST, and whether it completed. */
export const runAndFollow = async (url: string, workflow = SEED_ID): Promise<{ ms: number; ok: boolean }> => {
  const started = performance.now();
  const response = await fetch(`${url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow }),
  });
  if (response.status !== 201) throw new Error(`POST /api/runs: HTTP ${response.status} ${await response.text()}`);
  const { runId } = (await response.json()) as { runId: string };
  const stream = await fetch(`${url}/api/runs/${runId}/events`);
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  let final: RegExpExecArray | null = null;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    text = (text + next.value).slice(-2000);
    final = FINAL.exec(text);
    if (final) break;
  }
  await reader.cancel().catch(() => {});
  return { ms: performance.now() - started, ok: final?.[1] === 'completed' };
};

/** `runs` seed runs by `clients` clients, each starting its next run when its last one ended (each followed over SSE). */
export const runByClients = async (url: string, clients: number, runs: number): Promise<void> => {
  let started = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (started < runs) {
        started += 1;
        await runAndFollow(url);
      }
    }),
  );
};

/**
 * A server process the levels are run against: where it listens, its pid (for its CPU), and its longest and p99
 * event-loop delay since the last time they were read, in ms.
 */
interface Target {
  url: string;
  pid: number;
  loopDelayMs(): Promise<LoopDelay>;
}

const targetOf = (serve: ServeProcess): Target => ({
  url: serve.url,
  pid: serve.process.pid as number,
  loopDelayMs: () => serve.loopDelayMs(),
});

/**
 * `runs` runs by `clients` workers, each starting its next run once it saw the last one end. With `uncounted`, the
 * workers first start that many runs, not counted, and go straight on: the counted runs start under the load the
 * uncounted ones made, not in a burst of `clients` at once. Runs/s and CPU per run are then read over the steady
 * stretch, from the first counted start to the last (every worker busy throughout), per run that ended in it.
 */
const level = async ({ url, pid }: Target, clients: number, runs: number, uncounted = 0): Promise<ServerLevel> => {
  const latencies: number[] = [];
  const total = uncounted + runs;
  let failed = 0;
  let next = 0;
  let ended = 0;
  const cpuNow = () => ({ all: cpuMsOf(pid), main: mainThreadCpuMsOf(pid) });
  const since = (from: ReturnType<typeof cpuNow>) => {
    const now = cpuNow();
    return { cpuMs: now.all - from.all, mainMs: now.main - from.main };
  };
  let window = { cpu: cpuNow(), at: performance.now(), ended: 0 };
  let steady: { cpuMs: number; mainMs: number; ms: number; ended: number } | undefined;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const counted = next >= uncounted;
        if (next === uncounted && uncounted > 0) window = { cpu: cpuNow(), at: performance.now(), ended };
        next += 1;
        if (next === total && uncounted > 0) {
          steady = { ...since(window.cpu), ms: performance.now() - window.at, ended: ended - window.ended };
        }
        const { ms, ok } = await runAndFollow(url);
        ended += 1;
        if (!counted) continue;
        latencies.push(ms);
        if (!ok) failed += 1;
      }
    }),
  );
  const measured = steady ?? { ...since(window.cpu), ms: performance.now() - window.at, ended: runs };
  return {
    clients,
    runs,
    runsPerSec: (measured.ended / measured.ms) * 1000,
    cpuMsPerRun: measured.cpuMs / measured.ended,
    mainThreadCpuMsPerRun: measured.mainMs / measured.ended,
    latency: summarize(latencies),
    failed,
  };
};

/** /healthz polled back to back while `runs` seed runs started at once are in flight. */
const healthUnderLoad = async (serve: Target, runs: number): Promise<ServerReport['health']> => {
  const latencies: number[] = [];
  let done = false;
  await serve.loopDelayMs();
  const started = performance.now();
  const load = Promise.all(Array.from({ length: runs }, () => runAndFollow(serve.url))).finally(() => (done = true));
  while (!done) {
    const asked = performance.now();
    await fetch(`${serve.url}/healthz`).then((response) => response.arrayBuffer());
    latencies.push(performance.now() - asked);
    await new Promise((settle) => setTimeout(settle, 20));
  }
  await load;
  const elapsedMs = performance.now() - started;
  const loop = await serve.loopDelayMs();
  return { runs, latency: summarize(latencies), elapsedMs, loopMaxMs: loop.max, loopP99Ms: loop.p99 };
};

const rssMbOf = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) / 1024;
};

const postJson = async (url: string, body: object): Promise<Record<string, unknown>> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};

/** `runs` runs of the refund approval parked at its human node; RSS and heap then, and after they were approved. */
const parkedMemory = async (serve: ServeProcess, runs: number): Promise<ServerReport['parked']> => {
  const pid = serve.process.pid as number;
  const settle = () => new Promise((done) => setTimeout(done, 1000));
  await settle();
  const baseMb = rssMbOf(pid);
  const heapBaseMb = await serve.heapUsedMb();
  const ids: string[] = [];
  for (let batch = 0; batch < runs; batch += 50) {
    const started = await Promise.all(
      Array.from({ length: Math.min(50, runs - batch) }, () =>
        postJson(`${serve.url}/api/runs`, { workflow: PARKED_ID, inputs: PARKED_INPUTS }),
      ),
    );
    ids.push(...started.map((answer) => answer.runId as string));
  }
  const waitingAll = async () => {
    for (;;) {
      const page = (await (await fetch(`${serve.url}/api/runs?status=RUNNING&limit=1`)).json()) as { total: number };
      const views = await Promise.all(
        ids.slice(-5).map(async (id) => (await (await fetch(`${serve.url}/api/runs/${id}`)).json()) as RunView),
      );
      if (page.total >= runs && views.every((view) => view.waiting.includes(PARKED_NODE))) return;
      await new Promise((done) => setTimeout(done, 200));
    }
  };
  await waitingAll();
  await settle();
  const parkedMb = rssMbOf(pid);
  const heapParkedMb = await serve.heapUsedMb();
  for (let batch = 0; batch < ids.length; batch += 50) {
    await Promise.all(
      ids
        .slice(batch, batch + 50)
        .map((id) => postJson(`${serve.url}/api/runs/${id}/signal`, { node: PARKED_NODE, decision: 'approved' })),
    );
  }
  for (;;) {
    const page = (await (await fetch(`${serve.url}/api/runs?status=RUNNING&limit=1`)).json()) as { total: number };
    if (page.total === 0) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  await settle();
  const afterMb = rssMbOf(pid);
  return { runs, baseMb, parkedMb, afterMb, heapBaseMb, heapParkedMb, heapAfterMb: await serve.heapUsedMb() };
};

/** The warm-up, then each of the plan's levels in turn. */
const allLevels = async (
  target: Target,
  plan: ServerPlan,
  starting: (clients: number, runs: number) => void,
): Promise<ServerLevel[]> => {
  await level(target, 10, plan.warmupRuns);
  const levels: ServerLevel[] = [];
  for (const [clients, runs] of plan.levels) {
    starting(clients, runs);
    levels.push(await level(target, clients, runs));
  }
  return levels;
};

/** A level's warm-up, not counted, and its counted runs right after, by the same workers. */
const warmLevel = async (
  target: Target,
  { clients, warmupRuns, runs }: { clients: number; warmupRuns: number; runs: number },
): Promise<SustainedLevel> => ({ ...(await level(target, clients, runs, warmupRuns)), warmupRuns });

/** The plan's sustained level, then its one client once warm. */
const warmLevels = async (
  target: Target,
  plan: ServerPlan,
  starting: (what: string) => void,
): Promise<{ sustained: SustainedLevel; warmOneClient: SustainedLevel }> => {
  starting(`${plan.sustained.runs} runs by ${plan.sustained.clients} clients once warm`);
  const sustained = await warmLevel(target, plan.sustained);
  starting(`${plan.warmOneClient.runs} runs by 1 client once warm`);
  return { sustained, warmOneClient: await warmLevel(target, { clients: 1, ...plan.warmOneClient }) };
};

/** The plan's levels against the bare server (its own process, as `sopstate serve` is). */
const benchBare = async (
  plan: ServerPlan,
  sandbox: SandboxUrls,
  progress: (line: string) => void,
): Promise<Pick<ServerReport, 'bare' | 'bareHealth' | 'bareSustained' | 'bareWarmOneClient'>> => {
  const bare = spawnTs('bench/server/bare-server.ts', [sandbox.stripeUrl, sandbox.anthropicUrl]);
  try {
    const { url } = (await bare.lines.next()).value as { url: string };
    const target: Target = {
      url,
      pid: bare.process.pid as number,
      loopDelayMs: async () => (await (await fetch(`${url}/bench/loop-delay`)).json()) as LoopDelay,
    };
    const levels = await allLevels(target, plan, (clients, runs) =>
      progress(`server: ${runs} seed runs by ${clients} client(s), the bare server`),
    );
    progress(`server: /healthz under ${plan.healthRuns} runs, the bare server`);
    const bareHealth = await healthUnderLoad(target, plan.healthRuns);
    const warm = await warmLevels(target, plan, (what) => progress(`server: ${what}, the bare server`));
    return { bare: levels, bareHealth, bareSustained: warm.sustained, bareWarmOneClient: warm.warmOneClient };
  } finally {
    await bare.stop();
  }
};

export async function benchServer(
  plan: ServerPlan,
  sandbox: SandboxUrls,
  progress: (line: string) => void,
): Promise<ServerReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'sopstate-bench-server-'));
  const serve = await startServe(join(scratch, 'bench.db'), sandbox);
  try {
    const levels = await allLevels(targetOf(serve), plan, (clients, runs) =>
      progress(`server: ${runs} seed runs over HTTP + SSE by ${clients} client(s)`),
    );
    const bare = await benchBare(plan, sandbox, progress);
    progress(`server: /healthz under ${plan.healthRuns} runs`);
    const health = await healthUnderLoad(targetOf(serve), plan.healthRuns);
    progress(`server: memory of ${plan.parkedRuns} runs parked at a human node`);
    const parked = await parkedMemory(serve, plan.parkedRuns);
    const { sustained, warmOneClient } = await warmLevels(targetOf(serve), plan, (what) => progress(`server: ${what}`));
    return {
      levels,
      ...bare,
      health,
      parked,
      sustained,
      warmOneClient,
      cli: existsSync(CLI) ? CLI.replace(`${REPO_ROOT}/`, '') : 'src (tsx)',
    };
  } finally {
    await serve.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
