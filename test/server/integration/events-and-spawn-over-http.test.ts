// Issue 17 through the server: POST /api/runs/:id/events releases the target of an event edge, over SSE and across a
// restart; a spawned branch is not waited for.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import type { DeliverEventRequest, EventDelivered, EventKept } from '../../../src/server/contract/responses.ts';
import { streamRun } from '../support/sse-client.ts';
import { startRealServer, startRunOver, type RealServer } from './real-server.ts';
import { fetchValidOsoplog } from './valid-osoplog.ts';

const SEMANTICS = join(import.meta.dirname, '../../fixtures/semantics');
let server: RealServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-events-'));
  for (const name of ['event-wait', 'spawn-branch'])
    copyFileSync(join(SEMANTICS, `${name}.osop.yaml`), join(dir, `${name}.osop.yaml`));
  server = await startRealServer({ workflowsDir: dir, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const nodesWith = (events: RunEvent[], type: RunEvent['type']) =>
  events.filter((event) => event.type === type).map((event) => ('node' in event ? event.node : ''));

const stdoutOf = (events: RunEvent[], node: string) =>
  events.find(
    (event): event is Extract<RunEvent, { type: 'node.completed' }> =>
      event.type === 'node.completed' && event.node === node,
  )?.outputs.stdout;

const expectValidOsoplog = (base: string, runId: string) => fetchValidOsoplog(base, runId);

const sendEvent = (on: RealServer, runId: string, name: string, data?: unknown) => {
  const body: DeliverEventRequest = { name, ...(data !== undefined ? { data } : {}) };
  return on.post(`/api/runs/${runId}/events`, body);
};

describe('POST /api/runs/:id/events', () => {
  it('releases the waiting node; an event it does not take is kept; SSE shows the wait and the event', async () => {
    const runId = await startRunOver(server, 'event-wait');
    const before = await streamRun(server.url, runId, { stopWhen: (event) => event.type === 'event.waiting' });
    expect(before.events.at(-1)).toMatchObject({
      type: 'event.waiting',
      node: 'ship',
      names: ['payment.received'],
      timeoutMs: 60_000,
    });

    const unknown = await sendEvent(server, runId, 'payment.recieved', { amount: 1 });
    expect(unknown.status).toBe(409);
    expect(await unknown.json()).toMatchObject({
      error: {
        code: 'unknown-event',
        message: expect.stringContaining('its events: payment.received, delivery.confirmed'),
      },
    });
    // amount 0 fails the edge's `when`: kept for later, ship still waits.
    const refused = await sendEvent(server, runId, 'payment.received', { amount: 0, carrier: 'dhl' });
    expect(refused.status).toBe(202);
    const kept: EventKept = (await refused.json()) as EventKept;
    expect(kept).toMatchObject({
      delivered: false,
      queued: true,
      waiting: [{ node: 'ship', names: ['payment.received'] }],
    });
    const paid = await sendEvent(server, runId, 'payment.received', { amount: 42, carrier: 'ups' });
    expect(paid.status).toBe(200);
    const taken: EventDelivered = (await paid.json()) as EventDelivered;
    expect(taken).toEqual({ runId, name: 'payment.received', delivered: true, node: 'ship' });

    const answers: number[] = [];
    const after = await streamRun(server.url, runId, {
      lastEventId: before.events.at(-1)?.seq,
      onEvent: (event) => {
        if (event.type === 'event.waiting' && event.node === 'confirm_delivery')
          void sendEvent(server, runId, 'delivery.confirmed', { signed_by: 'ann' }).then((response) =>
            answers.push(response.status),
          );
      },
    });
    expect(answers).toEqual([200]);
    expect(after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(after.events.filter((event) => event.type === 'event.received')).toMatchObject([
      { node: 'ship', name: 'payment.received', data: { amount: 42, carrier: 'ups' } },
      { node: 'confirm_delivery', name: 'delivery.confirmed', data: { signed_by: 'ann' } },
    ]);
    expect(stdoutOf(after.events, 'ship')).toBe('shipping 42 via ups');
    expect(stdoutOf(after.events, 'confirm_delivery')).toBe('signed by ann');
    expect(nodesWith(after.events, 'node.skipped')).toEqual(['flag_late']);
    await expectValidOsoplog(server.url, runId);

    const late = await sendEvent(server, runId, 'delivery.confirmed');
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: 'run-not-running' } });
    const nowhere = await sendEvent(server, 'no-such-run', 'payment.received');
    expect(nowhere.status).toBe(404);
    const nameless = await server.post(`/api/runs/${runId}/events`, { data: 1 });
    expect(nameless.status).toBe(400);
  }, 30_000);

  it('fails the waiting node with kind timeout when no event comes, and the timeout edge catches it', async () => {
    const runId = await startRunOver(server, 'event-wait');
    const result = await streamRun(server.url, runId, {
      onEvent: (event) => {
        if (event.type === 'event.waiting' && event.node === 'ship')
          void sendEvent(server, runId, 'payment.received', { amount: 5, carrier: 'post' });
      },
    });
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'confirm_delivery',
      error: { code: 'event_timeout' },
    });
    expect(stdoutOf(result.events, 'flag_late')).toBe('no delivery confirmation in time');
    await expectValidOsoplog(server.url, runId);
  }, 30_000);
});

describe('an event wait across a server restart', () => {
  it('still waits in the new process, keeps an event sent early, and an event sent there releases the node', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'sopstate-event-restart-'));
    const dbFile = join(dbDir, 'runs.db');
    try {
      const first = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      const runId = await startRunOver(first, 'event-wait');
      const waiting = await streamRun(first.url, runId, { stopWhen: (event) => event.type === 'event.waiting' });
      // Sent early: nobody waits for delivery.confirmed yet, so the run keeps it (in its snapshot).
      const early = await sendEvent(first, runId, 'delivery.confirmed', { signed_by: 'bo' });
      expect(early.status).toBe(202);
      const before = await streamRun(first.url, runId, {
        lastEventId: waiting.events.at(-1)?.seq,
        stopWhen: (event) => event.type === 'event.kept',
      });
      expect(before.events.at(-1)).toMatchObject({ type: 'event.kept', name: 'delivery.confirmed' });
      await first.cleanup();

      const second = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      try {
        expect(second.restored.restored).toEqual([runId]);
        const after = await streamRun(second.url, runId, {
          lastEventId: before.events.at(-1)?.seq,
          onEvent: (event) => {
            if (event.type === 'event.waiting' && event.node === 'ship')
              void sendEvent(second, runId, 'payment.received', { amount: 7, carrier: 'ups' });
          },
        });
        expect(after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
        expect(nodesWith(after.events, 'event.waiting')).toEqual(['ship', 'confirm_delivery']);
        expect(stdoutOf(after.events, 'ship')).toBe('shipping 7 via ups');
        // The event kept before the restart is the one confirm_delivery takes: nobody sent it again.
        expect(stdoutOf(after.events, 'confirm_delivery')).toBe('signed by bo');
        expect(nodesWith(after.events, 'node.completed')).toEqual(['ship', 'confirm_delivery']);
        await expectValidOsoplog(second.url, runId);
      } finally {
        await second.cleanup();
      }
    } finally {
      rmSync(dbDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('spawn edges over HTTP', () => {
  it('completes without the spawned branch still running; its failure and its stop are reported', async () => {
    const runId = await startRunOver(server, 'spawn-branch');
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(nodesWith(result.events, 'node.failed')).toEqual(['audit']);
    expect(nodesWith(result.events, 'node.skipped')).toEqual(['notify']);
    expect(stdoutOf(result.events, 'finish')).toBe('done');
    const view = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as {
      nodes: Record<string, { status: string }>;
    };
    expect(view.nodes).toMatchObject({
      notify: { status: 'SKIPPED' },
      audit: { status: 'FAILED' },
      warm_cache: { status: 'COMPLETED' },
      finish: { status: 'COMPLETED' },
    });
    await expectValidOsoplog(server.url, runId);
  }, 30_000);
});
