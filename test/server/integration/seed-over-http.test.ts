import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { range, seqs, streamRun } from '../support/sse-client.ts';
import { ROOT } from './processes.ts';
import { EXAMPLES, SEED_ID, startRealServer, startRunOver, type RealServer } from './real-server.ts';

/** What a person sees happen, without ids and times: type plus node or edge. */
const shape = (event: RunEvent): string => {
  if ('node' in event) return `${event.type} ${event.node}`;
  if (event.type === 'edge.taken') return `${event.type} ${event.from}->${event.to}`;
  return event.type;
};

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer();
});
afterAll(async () => {
  await server.cleanup();
});

describe('the seed payment SOP over HTTP', () => {
  it('streams to run.completed through EventSource, in the same order as `sopstate run --json`', async () => {
    const runId = await startRunOver(server, SEED_ID);
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)?.type).toBe('run.completed');
    expect(seqs(result)).toEqual(range(1, result.events.length));

    // Async, so this process's server keeps serving while the CLI runs.
    const logDir = mkdtempSync(join(tmpdir(), 'sopstate-cli-logs-'));
    const args = [
      join(ROOT, 'bin/sopstate.js'),
      'run',
      join(EXAMPLES, 'stripe-payment-seed.osop.yaml'),
      '--json',
      '--log-dir',
      logDir,
    ];
    const cli = await promisify(execFile)(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      timeout: 60_000,
    });
    rmSync(logDir, { recursive: true, force: true });
    const cliEvents = cli.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RunEvent);
    expect(result.events.map(shape)).toEqual(cliEvents.map(shape));
  }, 90_000);

  it('resumes from Last-Event-ID 3 with 4, 5, ... and no gap or duplicate', async () => {
    const runId = await startRunOver(server, SEED_ID);
    const head = await streamRun(server.url, runId, { stopAfter: 3 });
    expect(seqs(head)).toEqual([1, 2, 3]);
    const tail = await streamRun(server.url, runId, { lastEventId: 3 });
    expect(seqs(tail).slice(0, 2)).toEqual([4, 5]);
    expect(tail.events.at(-1)?.type).toBe('run.completed');
    expect([...seqs(head), ...seqs(tail)]).toEqual(range(1, 3 + tail.events.length));
  }, 60_000);

  it('runs 100 payments at once, every stream gapless to its end', async () => {
    const runIds = await Promise.all(Array.from({ length: 100 }, () => startRunOver(server, SEED_ID)));
    const results = await Promise.all(runIds.map((runId) => streamRun(server.url, runId)));
    for (const result of results) {
      expect(result.events.at(-1)?.type).toBe('run.completed');
      expect(seqs(result)).toEqual(range(1, result.events.length));
    }
    const succeeded = server.sandbox.stripe.state().confirmations.filter((c) => c.outcome === 'succeeded');
    expect(new Set(succeeded.map((c) => c.paymentIntent)).size).toBeGreaterThanOrEqual(100);
  }, 180_000);

  it('serves the .osoplog of a finished run as YAML', async () => {
    const runId = await startRunOver(server, SEED_ID);
    await streamRun(server.url, runId);
    const response = await fetch(`${server.url}/api/runs/${runId}/osoplog`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(`run_id: ${runId}`);
    expect(text).toContain('status: COMPLETED');
  }, 60_000);
});
