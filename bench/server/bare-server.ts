// The floor for `sopstate serve` on this machine: a bare node:http server that runs the seed SOP as the hand-written
// XState machine (bench/seed/xstate-baseline.ts, the same five calls through the same clients) and answers the two
// requests the server bench makes — POST /api/runs (201 {runId}) and GET /api/runs/:id/events (SSE: what happened so
// far, then each step as it ends, then the final event) — and GET /healthz, and GET /bench/loop-delay (its longest and
// p99 event-loop delay since the last time it was asked, in ms, measured as for sopstate: bench/lib/loop-delay.mjs). No
// store, no redaction, no inspection, no .osoplog, no web streams: what any Node server making these calls and writes
// spends here, so `sopstate serve`'s CPU per run has a figure to be read against, as the engine's has the hand-written
// machine.
//   node --import tsx bench/server/bare-server.ts <stripeUrl> <anthropicUrl>   → prints {"url"} once listening
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActor } from 'xstate';
import { monitorLoopDelay } from '../lib/loop-delay.mjs';
import { createSeedCalls } from '../seed/seed-calls.ts';
import { seedMachine } from '../seed/xstate-baseline.ts';

/** How long a finished run stays to be replayed to a follower that comes late. */
const KEEP_FINISHED_MS = 30_000;

interface BareRun {
  frames: string[];
  followers: Set<ServerResponse>;
  finished: boolean;
}

const [stripeUrl, anthropicUrl] = process.argv.slice(2);
const calls = createSeedCalls({ stripeUrl, anthropicUrl });
const runs = new Map<string, BareRun>();
let nextRun = 0;

const frame = (run: BareRun, event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${run.frames.length + 1}\n\n`;

/** Sends one event to the run's followers as it happens (the final one ends their streams). */
function publish(run: BareRun, event: string, data: unknown, final = false): void {
  const text = frame(run, event, data);
  run.frames.push(text);
  for (const follower of run.followers) {
    if (final) follower.end(text);
    else follower.write(text);
  }
  if (!final) return;
  run.finished = true;
  run.followers.clear();
}

// One machine for every run, as sopstate has one per workflow; each result lands in the run's context.
const machine = seedMachine(calls);
const STEPS = [
  ['customer', 'create_customer'],
  ['intent', 'create_intent'],
  ['confirm', 'confirm_payment'],
  ['check', 'check_status'],
  ['receipt', 'send_receipt'],
] as const;

function startRun(): string {
  const runId = `bare-${++nextRun}`;
  const run: BareRun = { frames: [], followers: new Set(), finished: false };
  runs.set(runId, run);
  publish(run, 'run.started', { runId });
  const actor = createActor(machine);
  let published = 0;
  const forget = () => setTimeout(() => runs.delete(runId), KEEP_FINISHED_MS).unref();
  actor.subscribe({
    // Each call's result as it lands in the context (what sopstate's node.response events carry).
    next: ({ context }) => {
      for (; published < STEPS.length && context[STEPS[published][0]] !== undefined; published++)
        publish(run, 'node.response', { node: STEPS[published][1], output: context[STEPS[published][0]] });
    },
    complete: () => {
      publish(run, 'run.completed', { runId }, true);
      forget();
    },
    error: (error) => {
      publish(run, 'run.failed', { runId, error: String(error) }, true);
      forget();
    },
  });
  actor.start();
  return runId;
}

const loop = monitorLoopDelay();

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (request.method === 'GET' && request.url === '/bench/loop-delay') {
    void loop.read().then((delay) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(delay));
    });
    return;
  }
  if (request.method === 'POST' && request.url === '/api/runs') {
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({ runId: startRun() });
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
    return;
  }
  const run = /^\/api\/runs\/([^/]+)\/events$/.exec(request.url ?? '')?.[1];
  const found = run === undefined ? undefined : runs.get(run);
  if (!found) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const replayed = found.frames.join('');
  if (found.finished) {
    response.end(replayed);
    return;
  }
  response.write(replayed);
  found.followers.add(response);
  request.on('close', () => found.followers.delete(response));
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
