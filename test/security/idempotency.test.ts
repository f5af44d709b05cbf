// Issue 13, point 8: a client whose POST /api/runs died can send it again with the same Idempotency-Key.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../server/support/fake-server.ts';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

const start = (key: string | undefined, body: unknown) =>
  fetch(`${server!.url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });

describe('Idempotency-Key on POST /api/runs', () => {
  it('the same key and body give the same run, started once', async () => {
    server = await startFakeServer();
    const body = { workflow: 'approval', inputs: { amount: 7, note: 'x' } };
    const first = await start('order-42', body);
    expect(first.status).toBe(201);
    const { runId } = (await first.json()) as { runId: string };
    const again = await start('order-42', { inputs: { note: 'x', amount: 7 }, workflow: 'approval' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { runId: string }).runId).toBe(runId);
    expect(server.runner.started).toHaveLength(1);
  });

  it('two requests with one key at the same time start one run', async () => {
    server = await startFakeServer();
    const answers = await Promise.all(Array.from({ length: 5 }, () => start('same-time', { workflow: 'three-steps' })));
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { runId: string }).runId)));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(server.runner.started).toHaveLength(1);
  });

  it('the same key with another body is a 422 that names the earlier run, and starts nothing', async () => {
    server = await startFakeServer();
    const { runId } = (await (await start('k1', { workflow: 'approval', inputs: { amount: 7 } })).json()) as {
      runId: string;
    };
    const other = await start('k1', { workflow: 'approval', inputs: { amount: 700 } });
    expect(other.status).toBe(422);
    const error = ((await other.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('idempotency-key-reused');
    expect(error.message).toContain(runId);
    expect(server.runner.started).toHaveLength(1);
  });

  it('without a key every request is a new run; an empty key is a 400', async () => {
    server = await startFakeServer();
    await start(undefined, { workflow: 'three-steps' });
    await start(undefined, { workflow: 'three-steps' });
    expect(server.runner.started).toHaveLength(2);
    expect((await start('  ', { workflow: 'three-steps' })).status).toBe(400);
  });

  it('an input nested too deep to hash is still the preflight’s 400, not a 500', async () => {
    server = await startFakeServer();
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const answer = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'deep' },
      body: `{"workflow":"three-steps","inputs":{"x":${deep}}}`,
    });
    expect(answer.status).toBe(400);
  });

  it('a key survives a restart on the same database', async () => {
    server = await startFakeServer();
    const { dir } = server;
    const { runId } = (await (await start('before-restart', { workflow: 'three-steps' })).json()) as { runId: string };
    await server.close();
    server = await startFakeServer({ dir });
    const again = await start('before-restart', { workflow: 'three-steps' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { runId: string }).runId).toBe(runId);
    await server.cleanup();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
});
