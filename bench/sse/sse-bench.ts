// Section 5: delivery latency of one run's events to 1, 10, 100, 1,000 SSE subscribers — the real server on port 0,
// real HTTP clients in another process, latency = when the client read the bytes − the runner's emit. Each run
// alternates with the same run's recorded frames written by a bare node:http server (bare-broadcast.ts): the floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { createServiceExecutors, serviceSecrets, type SandboxUrls } from '../../src/services/service-endpoints.ts';
import { startRun } from '../../src/machine/runner.ts';
import type { RunOptions } from '../../src/machine/run-options.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { spawnTs, type TsChild } from '../lib/child.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { startBareBroadcast } from './bare-broadcast.ts';

const WORKFLOW_ID = 'bench-sse-seed';
const GATE_NODE = 'ready';
const SANDBOX_MODES = { stripe: 'sandbox', anthropic: 'sandbox' } as const;
const now = () => performance.timeOrigin + performance.now();

export interface SsePlan {
  /** [subscribers, runs]. */
  levels: Array<[number, number]>;
}

interface SseLevel {
  subscribers: number;
  runs: number;
  /** Events each subscriber received live per run. */
  eventsPerRun: number;
  latency: Summary;
  /** Share of one core the client process used while subscribed (1 = saturated). */
  clientBusy: number;
}

export interface SseReport {
  levels: SseLevel[];
  /** The same levels for a bare node:http server writing a recorded run's frames at their emit times: the floor. */
  bare: SseLevel[];
  /** Estimated error of the cross-process clock alignment (half the best round trip), ms. */
  clockErrorMs: number;
}

/** Runs with no .osoplog written, and the moment the runner emitted each event. */
function stampingStartRun(stamps: Map<string, Map<number, number>>) {
  return (options: RunOptions) => {
    const byRun = new Map<number, number>();
    return startRun({
      ...options,
      writeRecord: undefined,
      onEvent: (event) => {
        if (!stamps.has(event.runId)) stamps.set(event.runId, byRun);
        byRun.set(event.seq, now());
        options.onEvent?.(event);
      },
    });
  };
}

class Level {
  readonly latencies: number[] = [];
  events = 0;
  busy = 0;

  add(result: Followed): void {
    this.latencies.push(...result.latencies);
    this.events += result.eventsPerRun;
    this.busy += result.busy;
  }

  summary(subscribers: number, runs: number): SseLevel {
    return {
      subscribers,
      runs,
      eventsPerRun: this.events / runs,
      latency: summarize(this.latencies),
      clientBusy: this.busy / runs,
    };
  }
}

async function ask(clients: TsChild, command: object): Promise<Record<string, unknown>> {
  clients.process.stdin!.write(`${JSON.stringify(command)}\n`);
  const { value } = await clients.lines.next();
  return value as Record<string, unknown>;
}

/** Offset to add to a client time to get a server time, from the ping with the shortest round trip. */
async function clockOffset(clients: TsChild): Promise<{ offset: number; error: number }> {
  let best = { offset: 0, error: Number.POSITIVE_INFINITY };
  for (let ping = 0; ping < 20; ping += 1) {
    const sent = now();
    const { now: remote } = (await ask(clients, { cmd: 'now' })) as { now: number };
    const received = now();
    const error = (received - sent) / 2;
    if (error < best.error) best = { offset: (sent + received) / 2 - remote, error };
  }
  return best;
}

async function post(server: RunningServer, path: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** What a level adds up: one run's latencies (client read − emit, ms), events per subscriber, client CPU share. */
interface Followed {
  latencies: number[];
  eventsPerRun: number;
  busy: number;
}

/**
 * `subscribers` clients follow `url` until they replayed up to human.waiting; then `release` lets the live events
 * go and says when each was emitted (the map may fill on until the final event) and the seq they come after.
 */
async function followLive(
  clients: TsChild,
  url: string,
  subscribers: number,
  offset: number,
  release: () => Promise<{ emitted: Map<number, number>; after: number }>,
): Promise<Followed> {
  clients.process.stdin!.write(
    `${JSON.stringify({ cmd: 'subscribe', url, count: subscribers, readyType: 'human.waiting' })}\n`,
  );
  const ready = (await clients.lines.next()).value as { ready?: boolean; error?: string };
  if (!ready.ready) throw new Error(`the SSE clients of ${url} did not connect: ${ready.error}`);
  // Every subscriber has replayed up to human.waiting; a moment later each is attached live.
  await new Promise((settle) => setTimeout(settle, 50));
  const { emitted, after } = await release();
  const done = (await clients.lines.next()).value as {
    receipts?: Array<Array<[number, number]>>;
    busy?: number;
    error?: string;
  };
  if (!done.receipts) throw new Error(`an SSE client of ${url} failed: ${done.error}`);
  const latencies = done.receipts.flatMap((receipts) =>
    receipts.filter(([seq]) => seq > after && emitted.has(seq)).map(([seq, at]) => at + offset - emitted.get(seq)!),
  );
  return { latencies, eventsPerRun: latencies.length / subscribers, busy: done.busy ?? Number.NaN };
}

async function oneRun(
  server: RunningServer,
  clients: TsChild,
  subscribers: number,
  stamps: Map<string, Map<number, number>>,
  offset: number,
) {
  const { runId } = (await post(server, '/api/runs', { workflow: WORKFLOW_ID })) as { runId: string };
  let gateSeq = 0;
  const followed = await followLive(
    clients,
    `${server.url}/api/runs/${runId}/events`,
    subscribers,
    offset,
    async () => {
      gateSeq = Math.max(...stamps.get(runId)!.keys());
      await post(server, `/api/runs/${runId}/signal`, { node: GATE_NODE, decision: 'approved' });
      return { emitted: stamps.get(runId)!, after: gateSeq };
    },
  );
  const emitted = stamps.get(runId)!;
  stamps.delete(runId);
  return { ...followed, runId, gateSeq, emitted };
}

/** A finished run's frames as the server replays them, split at its gate, with the live ones' emit offsets. */
async function recordRun(server: RunningServer, run: { runId: string; gateSeq: number; emitted: Map<number, number> }) {
  const text = await (await fetch(`${server.url}/api/runs/${run.runId}/events`)).text();
  const frames = text
    .split('\n\n')
    .map((frame) => ({ frame: `${frame}\n\n`, seq: Number(/^id: (\d+)$/m.exec(frame)?.[1] ?? Number.NaN) }))
    .filter(({ seq }) => Number.isInteger(seq));
  const live = frames.filter(({ seq }) => seq > run.gateSeq && run.emitted.has(seq));
  const first = Math.min(...live.map(({ seq }) => run.emitted.get(seq)!));
  return {
    replayed: frames
      .filter(({ seq }) => seq <= run.gateSeq)
      .map(({ frame }) => frame)
      .join(''),
    live: live.map(({ seq, frame }) => ({ seq, frame, at: run.emitted.get(seq)! - first })),
  };
}

/** One recorded run played by the bare server to `subscribers` clients. */
async function oneBareRun(
  recorded: Awaited<ReturnType<typeof recordRun>>,
  clients: TsChild,
  subscribers: number,
  offset: number,
): Promise<Followed> {
  const bare = await startBareBroadcast(recorded.replayed, recorded.live);
  try {
    return await followLive(clients, bare.url, subscribers, offset, async () => ({
      emitted: await bare.play(),
      after: 0,
    }));
  } finally {
    await bare.close();
  }
}

export async function benchSse(
  plan: SsePlan,
  sandbox: SandboxUrls,
  progress: (line: string) => void,
): Promise<SseReport> {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-bench-sse-'));
  const stamps = new Map<string, Map<number, number>>();
  const services = createServiceExecutors({ mode: SANDBOX_MODES, sandbox, env: {} });
  const server = await startServer({
    workflowsDir: resolve(REPO_ROOT, 'bench/sse/workflows'),
    dbFile: join(dir, 'bench.db'),
    port: 0,
    secrets: serviceSecrets(SANDBOX_MODES, {}),
    logDir: join(dir, 'osoplogs'),
    log: () => {},
    runtime: {
      startRun: stampingStartRun(stamps),
      load: loadWorkflowFile,
      createExecutors: () => ({ ...createLocalExecutors(), ...services }),
    },
  });
  const clients = spawnTs('bench/sse/clients.ts');
  try {
    const clock = await clockOffset(clients);
    const recorded = await recordRun(server, await oneRun(server, clients, 1, stamps, clock.offset));
    const levels: SseLevel[] = [];
    const bare: SseLevel[] = [];
    for (const [subscribers, runs] of plan.levels) {
      progress(`sse: ${runs} run(s) with ${subscribers} subscriber(s), sopstate and the bare server in turn`);
      const sides = { sopstate: new Level(), bare: new Level() };
      for (let run = 0; run < runs; run += 1) {
        sides.sopstate.add(await oneRun(server, clients, subscribers, stamps, clock.offset));
        sides.bare.add(await oneBareRun(recorded, clients, subscribers, clock.offset));
      }
      levels.push(sides.sopstate.summary(subscribers, runs));
      bare.push(sides.bare.summary(subscribers, runs));
    }
    return { levels, bare, clockErrorMs: clock.error };
  } finally {
    clients.process.stdin!.end(`${JSON.stringify({ cmd: 'exit' })}\n`);
    await clients.stop(2000);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
