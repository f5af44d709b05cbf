// Issue 20 "Bounded memory": a run looping 10,000 visits on the real server (runner, SQLite, an SSE follower) streams
// its events to the store; the server's heap after 10,000 visits stays within a fixed multiple of the heap after 100.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../src/adapters/executor.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
// The bench's heap reading (the last full collection right before it), with or without --expose-gc.
import { settledHeap } from '../../bench/lib/gc.ts';

const VISITS = 10_000;
const LOOP = `osop_version: "1.0"
id: visit-loop
name: Visit one node ${VISITS} times
nodes:
  - { id: tick, type: cli, name: Tick, runtime: { command: "true" } }
  - { id: done, type: cli, name: Done, runtime: { command: "true" } }
edges:
  - { from: tick, to: tick, mode: loop, when: "tick.n < ${VISITS}", max_iterations: ${VISITS + 10} }
  - { from: tick, to: done }
`;

/** Reads /events like EventSource would: resumes after the last id until the final event; keeps nothing else. */
const followToEnd = async (url: string, runId: string): Promise<{ final: string; lastSeq: number }> => {
  let lastSeq = 0;
  for (;;) {
    const response = await fetch(`${url}/api/runs/${runId}/events`, {
      headers: { 'Last-Event-ID': String(lastSeq) },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    let event = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const lines = (rest + next.value).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('event: ')) event = line.slice(7);
        if (line.startsWith('id: ')) lastSeq = Number(line.slice(4));
        if (line.startsWith('id: ') && (event === 'run.completed' || event === 'run.failed')) {
          await reader.cancel();
          return { final: event, lastSeq };
        }
      }
    }
  }
};

const dir = mkdtempSync(join(tmpdir(), 'sopstate-loop-memory-'));
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a long loop on the server', () => {
  it(`keeps the heap flat: after ${VISITS} visits it is below 1.25× the heap after 100`, async () => {
    writeFileSync(join(dir, 'visit-loop.osop.yaml'), LOOP);
    // The cli nodes never reach a shell: `tick` stands in for them and counts the visits.
    // At visit 100 and at the last one the node waits while the test weighs the heap (the SSE follower and the store
    // have caught up by then: every earlier step was a turn of the event loop).
    const heaps: number[] = [];
    let visits = 0;
    const tick: Executor = async () => {
      visits += 1;
      if (visits === 100 || visits === VISITS) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        heaps.push(await settledHeap());
      }
      return { outputs: { n: visits } };
    };
    server = await startServer({
      workflowsDir: dir,
      dbFile: join(dir, 'runs.db'),
      port: 0,
      allowCli: true,
      log: () => {},
      runtime: { startRun, load: loadWorkflowFile, createExecutors: () => ({ cli: tick }) },
    });
    const started = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'visit-loop' }),
    });
    expect(started.status).toBe(201);
    const { runId } = (await started.json()) as { runId: string };
    // A follower reads the whole stream to the final event (resuming by Last-Event-ID when it is dropped), keeping
    // only the last seq and the final event's type.
    const follow = await followToEnd(server.url, runId);
    expect(follow.final).toBe('run.completed');
    // Every visit of tick, then done.
    expect(visits).toBe(VISITS + 1);
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as {
      status: string;
      nodes: Record<string, { visits: number }>;
    };
    expect(run.status).toBe('COMPLETED');
    console.log(
      `heap after 100 visits ${(heaps[0] / 1e6).toFixed(1)} MB, after ${VISITS}: ${(heaps[1] / 1e6).toFixed(1)} MB`,
    );
    expect(heaps).toHaveLength(2);
    expect(heaps[1]).toBeLessThan(1.25 * heaps[0]);
  }, 180_000);
});
