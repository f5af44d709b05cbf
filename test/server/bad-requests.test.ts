// A demanding client: out-of-range and mistyped requests get a 4xx that says what is wrong, never a 500.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';
import { waitForRun } from './support/wait.ts';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.cleanup();
});

const errorOf = async (response: Response): Promise<{ status: number; code: string; message: string }> => {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
};

describe('paging', () => {
  it('refuses an offset or limit too large to count exactly with 400, not 500', async () => {
    for (const query of ['offset=99999999999999999999999', 'offset=9007199254740993', 'limit=99999999999999999999']) {
      const error = await errorOf(await server.api(`/api/runs?${query}`));
      expect(error, query).toMatchObject({ status: 400, code: 'bad-page' });
    }
  });
});

describe('signals', () => {
  it('refuses a comment that is not a string or data that is not an object, and the node keeps waiting', async () => {
    const started = (await (
      await server.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 5 } }))
    ).json()) as { runId: string };
    await waitForRun(server, started.runId, (r) => r.waiting.includes('review'));
    const signal = (body: unknown) => server.api(`/api/runs/${started.runId}/signal`, postJson(body));
    const badComment = await errorOf(await signal({ node: 'review', decision: 'approved', comment: 5 }));
    expect(badComment).toMatchObject({ status: 400, message: expect.stringContaining('comment') });
    const badData = await errorOf(await signal({ node: 'review', decision: 'approved', data: [1] }));
    expect(badData).toMatchObject({ status: 400, message: expect.stringContaining('data') });
    const run = await waitForRun(server, started.runId, () => true);
    expect(run.waiting).toEqual(['review']);
    expect((await signal({ node: 'review', decision: 'approved', comment: null, data: { ok: true } })).status).toBe(
      202,
    );
  });
});

describe('paths', () => {
  it('never shows where the server keeps its files: workflows, diagnostics and runs name files inside the folder', async () => {
    await server.api('/api/runs', postJson({ workflow: 'three-steps' }));
    const answers = [
      await server.api('/api/workflows'),
      await server.api('/api/workflows/broken'),
      await server.api('/api/runs', postJson({ workflow: 'broken' })),
      await server.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 'lots' } })),
      await server.api('/api/runs'),
    ];
    const texts = await Promise.all(answers.map((response) => response.text()));
    for (const text of texts) expect(text).not.toContain(server.dir);
    const runs = JSON.parse(texts[4]) as { runs: Array<{ workflowFile: string }> };
    expect(runs.runs[0].workflowFile).toBe('three-steps.osop.yaml');
    const refused = JSON.parse(texts[3]) as { diagnostics: Array<{ file: string; path: string }> };
    expect(refused.diagnostics).toEqual([
      expect.objectContaining({ file: 'approval.osop.yaml', path: 'inputs.amount' }),
    ]);
  });
});

describe('content types', () => {
  it('takes bodies only as JSON: text/plain or a form (what another site may send unasked) is a 415 and starts nothing', async () => {
    const body = JSON.stringify({ workflow: 'three-steps' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const error = await errorOf(
        await server.api('/api/runs', { method: 'POST', headers: { 'content-type': type }, body }),
      );
      expect(error, type).toMatchObject({
        status: 415,
        code: 'unsupported-media-type',
        message: expect.stringContaining('application/json'),
      });
    }
    expect(server.runner.started).toHaveLength(0);
    const json = await server.api('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    expect(json.status).toBe(201);
  });
});

describe('resuming a live stream', () => {
  it('refuses a Last-Event-ID or ?after past the events stored so far, instead of silently skipping up to it', async () => {
    const started = (await (
      await server.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 5 } }))
    ).json()) as { runId: string };
    const run = await waitForRun(server, started.runId, (r) => r.waiting.includes('review'));
    const beyond = run.lastSeq + 5;
    for (const init of [{ headers: { 'last-event-id': String(beyond) } }, undefined]) {
      const path = `/api/runs/${started.runId}/events${init ? '' : `?after=${beyond}`}`;
      const error = await errorOf(await server.api(path, init));
      expect(error, path).toMatchObject({
        status: 400,
        code: 'bad-last-event-id',
        message: expect.stringContaining(String(run.lastSeq)),
      });
    }
    const inspect = await server.api(`/api/runs/${started.runId}/inspect?after=${beyond}`);
    expect(inspect.status).toBe(400);
    expect(await errorOf(inspect)).toMatchObject({
      code: 'bad-last-event-id',
      message: expect.stringContaining('inspection records'),
    });
    await server.api(`/api/runs/${started.runId}/cancel`, postJson({}));
  });
});

describe('the final event', () => {
  it('points at the .osoplog route, not at the file on the host', async () => {
    const started = (await (await server.api('/api/runs', postJson({ workflow: 'three-steps' }))).json()) as {
      runId: string;
    };
    await waitForRun(server, started.runId, (r) => r.status !== 'RUNNING');
    const stream = await (await server.api(`/api/runs/${started.runId}/events`)).text();
    expect(stream).not.toContain(server.dir);
    const last = JSON.parse(
      stream
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .at(-1)!
        .slice(6),
    ) as { type: string; osoplog: string };
    expect(last).toMatchObject({ type: 'run.completed', osoplog: `/api/runs/${started.runId}/osoplog` });
    expect((await server.api(last.osoplog)).status).toBe(200);
  });
});

describe('deep inputs', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const post = (x: string) =>
    server.api('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"workflow":"three-steps","inputs":{"x":${x}}}`,
    });

  it('refuses an input nested too deep to copy, with its path, and takes one just within the limit', async () => {
    const refused = await post(nested(50_000));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { diagnostics: Array<{ code: string; path: string }> };
    expect(body.diagnostics).toEqual([expect.objectContaining({ code: 'input-too-deep', path: 'inputs.x' })]);
    expect(server.runner.started).toHaveLength(0);
    expect((await post(nested(32))).status).toBe(201);
  });

  it('refuses a decision whose data nests too deep, and the node keeps waiting (a real run failed the node: approve became reject)', async () => {
    const started = (await (
      await server.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 5 } }))
    ).json()) as { runId: string };
    await waitForRun(server, started.runId, (r) => r.waiting.includes('review'));
    const body = `{"node":"review","decision":"approved","data":{"x":${nested(50_000)}}}`;
    const signal = await server.api(`/api/runs/${started.runId}/signal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(await errorOf(signal)).toMatchObject({ status: 400, message: expect.stringContaining('data nests') });
    expect((await waitForRun(server, started.runId, () => true)).waiting).toEqual(['review']);
  });
});

describe('numbers', () => {
  it('refuses a number too large for JSON to hold (1e400 reads as Infinity and was stored as null)', async () => {
    for (const [workflow, name] of [
      ['approval', 'amount'],
      ['three-steps', 'x'],
    ]) {
      const body = `{"workflow":"${workflow}","inputs":{"${name}":1e400}}`;
      const response = await server.api('/api/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status, workflow).toBe(400);
      const refused = (await response.json()) as { diagnostics: Array<{ code: string; path: string }> };
      expect(refused.diagnostics).toEqual([expect.objectContaining({ code: 'input-range', path: `inputs.${name}` })]);
    }
    expect(server.runner.started).toHaveLength(0);
  });
});
