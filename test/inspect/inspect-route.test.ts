// GET /api/runs/:id/inspect on the real server: the seed run's inspection records live, then replayed by Last-Event-ID.
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectionRecord, SnapshotRecord } from '../../src/inspect/record.ts';
import { startSandboxServer, type SandboxServer } from '../chat/support/sandbox-server.ts';

const SEED_NODES = ['create_customer', 'create_intent', 'confirm_payment', 'check_status', 'send_receipt'];

let server: SandboxServer;
beforeAll(async () => {
  server = await startSandboxServer();
});
afterAll(() => server?.cleanup());

/** Reads an SSE answer to its end. */
async function readStream(response: Response): Promise<EventSourceMessage[]> {
  const reader = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  const messages: EventSourceMessage[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) messages.push(next.value);
  return messages;
}

const startSeed = async (): Promise<string> => {
  const response = await server.api('/api/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: 'sop-stripe-payment' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { runId: string }).runId;
};

describe('GET /api/runs/:id/inspect', () => {
  let runId: string;
  let live: InspectionRecord[];

  it('streams a running seed run: every node actor, each event named by its type with id = seq, until the machine is done', async () => {
    runId = await startSeed();
    const response = await server.api(`/api/runs/${runId}/inspect`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const messages = await readStream(response);
    live = messages.map((message) => JSON.parse(message.data) as InspectionRecord);
    expect(live.map((record) => record.seq)).toEqual(live.map((_, index) => index + 1));
    expect(messages.map((message) => message.id)).toEqual(live.map((record) => String(record.seq)));
    expect(messages.map((message) => message.event)).toEqual(live.map((record) => record.type));
    expect(new Set(live.map((record) => record.runId))).toEqual(new Set([runId]));
    const actors = live.flatMap((record) => (record.type === '@xstate.actor' ? [record.name] : []));
    expect(actors).toEqual(['sop-stripe-payment', ...SEED_NODES]);
    const machine = live.filter(
      (record): record is SnapshotRecord => record.type === '@xstate.snapshot' && record.actorId === live[0].actorId,
    );
    expect(machine.at(-1)?.snapshot).toMatchObject({ status: 'done', value: 'COMPLETED' });
    expect(JSON.stringify(live)).not.toContain('sk_test_');
  });

  it('replays a finished run after Last-Event-ID or ?after, and answers 204 once nothing more will come', async () => {
    const resumed = await readStream(
      await server.api(`/api/runs/${runId}/inspect`, { headers: { 'Last-Event-ID': '10' } }),
    );
    expect(resumed.map((message) => JSON.parse(message.data))).toEqual(live.slice(10));
    const all = await readStream(await server.api(`/api/runs/${runId}/inspect?after=0`));
    expect(all.map((message) => JSON.parse(message.data))).toEqual(live);
    expect((await server.api(`/api/runs/${runId}/inspect?after=${live.length}`)).status).toBe(204);
  });

  it('refuses an unknown run (404) and a Last-Event-ID that is not a seq (400)', async () => {
    const unknown = await server.api('/api/runs/no-such-run/inspect');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: expect.anything() });
    expect((await server.api(`/api/runs/${runId}/inspect`, { headers: { 'Last-Event-ID': 'abc' } })).status).toBe(400);
  });
});
