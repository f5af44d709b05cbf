import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';
import { range, seqs, streamRun } from './support/sse-client.ts';
import { waitFor, waitForRun } from './support/wait.ts';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

const start = async (s: FakeServer, workflow: string, inputs?: Record<string, unknown>): Promise<string> => {
  const response = await s.api('/api/runs', postJson({ workflow, inputs }));
  return ((await response.json()) as { runId: string }).runId;
};

describe('the event stream', () => {
  it('streams a run from its first event to run.completed, with id = seq and event = type', async () => {
    server = await startFakeServer();
    const runId = await start(server, 'three-steps');
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)?.type).toBe('run.completed');
    expect(seqs(result)).toEqual(range(1, result.events.length));
    expect(result.ids).toEqual(seqs(result).map(String));
    const stored = (await (await server.api(`/api/runs/${runId}`)).json()) as { lastSeq: number };
    expect(stored.lastSeq).toBe(result.events.length);
  });

  it('resumes after a disconnect from Last-Event-ID with no gap and no duplicate', async () => {
    server = await startFakeServer({ stepMs: 5 });
    const runId = await start(server, 'three-steps');
    const head = await streamRun(server.url, runId, { stopAfter: 3 });
    expect(seqs(head)).toEqual([1, 2, 3]);
    const tail = await streamRun(server.url, runId, { lastEventId: 3 });
    expect(seqs(tail)[0]).toBe(4);
    expect([...seqs(head), ...seqs(tail)]).toEqual(range(1, tail.events.at(-1)?.seq ?? 0));
    expect(tail.events.at(-1)?.type).toBe('run.completed');
  });

  it('replays a finished run from ?after=N, and answers 204 when nothing is left', async () => {
    server = await startFakeServer();
    const runId = await start(server, 'three-steps');
    const whole = await streamRun(server.url, runId);
    const last = whole.events.length;
    const fromQuery = await fetch(`${server.url}/api/runs/${runId}/events?after=${last - 2}`);
    const text = await fromQuery.text();
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([last - 1, last]);
    const done = await fetch(`${server.url}/api/runs/${runId}/events`, { headers: { 'Last-Event-ID': String(last) } });
    expect(done.status).toBe(204);
    expect((await fetch(`${server.url}/api/runs/${runId}/events?after=x`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/runs/nope/events`)).status).toBe(404);
  });

  it('drops a client that falls behind; it reconnects by itself and still sees every event once', async () => {
    server = await startFakeServer({ subscriberBuffer: 1 });
    const runId = await start(server, 'approval', { amount: 5 });
    const result = await streamRun(server.url, runId, {
      onEvent: (event) => {
        if (event.type === 'human.waiting') {
          void server?.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }));
        }
      },
    });
    expect(result.opens).toBeGreaterThan(1);
    expect(seqs(result)).toEqual(range(1, result.events.length));
    expect(result.events.at(-1)?.type).toBe('run.completed');
  });

  it('never lets a client that stopped reading hold up another; the stalled one is dropped and resumes by Last-Event-ID', async () => {
    // ~12 MB of events: more than loopback socket buffers hold for a client that does not read.
    server = await startFakeServer({ subscriberBuffer: 8, payloadBytes: 200_000 });
    const runId = await start(server, 'long');
    const stalled = await new Promise<IncomingMessage>((resolve) =>
      get(`${server!.url}/api/runs/${runId}/events`, resolve),
    );
    stalled.pause();
    const reader = await streamRun(server.url, runId);
    expect(reader.events.at(-1)?.type).toBe('run.completed');
    expect(seqs(reader)).toEqual(range(1, reader.events.length));

    stalled.setEncoding('utf8');
    let text = '';
    stalled.on('data', (chunk: string) => (text += chunk));
    await new Promise((resolve) => stalled.on('end', resolve).resume());
    const received = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(text).not.toContain('event: run.completed');
    expect(received).toEqual(range(1, received.length));
    const resumed = await streamRun(server.url, runId, { lastEventId: received.length });
    expect([...received, ...seqs(resumed)]).toEqual(seqs(reader));
  }, 60_000);

  it('lets many clients watch one run, and forgets a client that went away', async () => {
    server = await startFakeServer();
    const runId = await start(server, 'approval', { amount: 5 });
    await waitForRun(server, runId, (run) => run.waiting.includes('review'));
    const watchers = Array.from({ length: 5 }, () => streamRun(server!.url, runId));
    const quitter = await streamRun(server.url, runId, { stopAfter: 2 });
    expect(seqs(quitter)).toEqual([1, 2]);
    const hub = server.context.manager.hub;
    await waitFor(async () => (hub.subscriberCount(runId) === 5 ? true : undefined), 'the quitter to be forgotten');
    await server.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }));
    const results = await Promise.all(watchers);
    for (const result of results) {
      expect(seqs(result)).toEqual(range(1, result.events.length));
      expect(result.events.at(-1)?.type).toBe('run.completed');
    }
    await waitFor(async () => (hub.subscriberCount(runId) === 0 ? true : undefined), 'all subscribers to end');
  });

  it('sends heartbeat comments while a run is idle', async () => {
    server = await startFakeServer({ heartbeatMs: 20 });
    const runId = await start(server, 'approval', { amount: 5 });
    await waitForRun(server, runId, (run) => run.waiting.includes('review'));
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/runs/${runId}/events`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(': heartbeat')) text += decoder.decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: human.waiting');
  });
});
