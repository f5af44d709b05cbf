import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { streamRun } from '../support/sse-client.ts';
import { FIXTURES, startRealServer, startRunOver, type RealServer } from './real-server.ts';

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer({ workflowsDir: FIXTURES, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
});

const decideWhenWaiting =
  (runId: string, decision: 'approved' | 'rejected', on: RealServer = server) =>
  (event: RunEvent) => {
    if (event.type === 'human.waiting') void on.post(`/api/runs/${runId}/signal`, { node: event.node, decision });
  };

const completed = (events: RunEvent[]) =>
  events.filter((e) => e.type === 'node.completed').map((e) => ('node' in e ? e.node : ''));

describe('a human step over HTTP', () => {
  it('waits, then continues on approve', async () => {
    const runId = await startRunOver(server, 'approve-refund');
    const result = await streamRun(server.url, runId, { onEvent: decideWhenWaiting(runId, 'approved') });
    expect(result.events.map((e) => e.type)).toContain('human.waiting');
    expect(result.events.at(-1)?.type).toBe('run.completed');
    expect(completed(result.events)).toEqual(['review', 'refund']);
  }, 30_000);

  it('takes the fallback on reject', async () => {
    const runId = await startRunOver(server, 'approve-refund');
    const result = await streamRun(server.url, runId, { onEvent: decideWhenWaiting(runId, 'rejected') });
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'edge.taken', from: 'review', to: 'notify_rejected', mode: 'fallback' }),
    );
    expect(completed(result.events)).toEqual(['notify_rejected']);
    expect(result.events.at(-1)?.type).toBe('run.completed');
  }, 30_000);

  it('answers 409 to a signal for a node that is not waiting, and ends CANCELLED on cancel', async () => {
    const runId = await startRunOver(server, 'approve-refund');
    const response = await server.post(`/api/runs/${runId}/signal`, { node: 'refund', decision: 'approved' });
    expect(response.status).toBe(409);
    const result = await streamRun(server.url, runId, {
      onEvent: (event) => {
        if (event.type === 'human.waiting') void server.post(`/api/runs/${runId}/cancel`, {});
      },
    });
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', status: 'CANCELLED' });
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { status: string };
    expect(run.status).toBe('CANCELLED');
  }, 30_000);

  it('keeps a run that waits for a person across a server restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-human-restart-'));
    const dbFile = join(dir, 'runs.db');
    try {
      const first = await startRealServer({ workflowsDir: FIXTURES, allowCli: true, dbFile });
      const runId = await startRunOver(first, 'approve-refund');
      const before = await streamRun(first.url, runId, { stopWhen: (event) => event.type === 'human.waiting' });
      await first.cleanup();

      const second = await startRealServer({ workflowsDir: FIXTURES, allowCli: true, dbFile });
      try {
        expect(second.restored.restored).toEqual([runId]);
        const after = await streamRun(second.url, runId, {
          lastEventId: before.events.at(-1)?.seq,
          onEvent: decideWhenWaiting(runId, 'approved', second),
        });
        expect(after.events.at(-1)?.type).toBe('run.completed');
        expect(completed(after.events)).toEqual(['review', 'refund']);
      } finally {
        await second.cleanup();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
