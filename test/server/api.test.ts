import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';
import { getRun, waitForRun } from './support/wait.ts';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.cleanup();
});

const startRun = async (body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
  const response = await server.api('/api/runs', postJson(body));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe('workflows', () => {
  it('lists the files of the workflow folder with counts, and flags the one that does not load', async () => {
    const body = (await (await server.api('/api/workflows')).json()) as { workflows: Array<Record<string, unknown>> };
    const byId = Object.fromEntries(body.workflows.map((w) => [w.id, w]));
    expect(Object.keys(byId).sort()).toEqual(['approval', 'broken', 'long', 'needs-secret', 'shell', 'three-steps']);
    expect(byId['three-steps']).toMatchObject({
      name: 'Three steps',
      description: 'a, b, c in a row',
      nodeCount: 3,
      edgeCount: 2,
      valid: true,
    });
    expect(byId.broken).toMatchObject({ valid: false, diagnostics: [{ code: 'broken', severity: 'error' }] });
  });

  it('describes one workflow as a graph', async () => {
    const body = (await (await server.api('/api/workflows/approval')).json()) as Record<string, unknown>;
    expect(body.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'review', type: 'human' })]));
    expect(body.edges).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 'review', to: 'notify_rejected', mode: 'fallback' })]),
    );
  });

  it('never reaches outside the workflow folder', async () => {
    for (const path of [
      '/api/workflows/..%2Foutside',
      '/api/workflows/%2E%2E',
      '/api/workflows/outside',
      '/api/workflows/..%2F..%2Fetc%2Fpasswd',
    ]) {
      const response = await server.api(path);
      expect([400, 404], path).toContain(response.status);
    }
    for (const workflow of ['../outside', '../../outside.osop.yaml', '/etc/passwd', 'outside']) {
      const { status, json } = await startRun({ workflow });
      expect(status, workflow).toBe(400);
      expect(json).toMatchObject({ error: { code: expect.stringMatching(/invalid-workflow-id|unknown-workflow/) } });
    }
    expect(server.runner.started).toHaveLength(0);
  });
});

describe('starting runs', () => {
  it('starts a run, answers 201 with its id, and the run completes with every node done', async () => {
    const { status, json } = await startRun({ workflow: 'three-steps' });
    expect(status).toBe(201);
    expect(server.runner.started[0].secrets).toEqual({});
    const run = await waitForRun(server, json.runId as string, (r) => r.status !== 'RUNNING');
    expect(run.status).toBe('COMPLETED');
    expect(Object.fromEntries(Object.entries(run.nodes).map(([id, node]) => [id, node.status]))).toEqual({
      a: 'COMPLETED',
      b: 'COMPLETED',
      c: 'COMPLETED',
    });
  });

  it('refuses bad requests with diagnostics, before anything runs', async () => {
    const cases: Array<[unknown, string]> = [
      [{ workflow: 'nope' }, 'unknown-workflow'],
      [{ workflow: 'broken' }, 'invalid-workflow'],
      [{ workflow: 'approval' }, 'missing-input'],
      [{ workflow: 'approval', inputs: { amount: 'lots' } }, 'input-type'],
      [{ workflow: 'approval', inputs: { amount: 5, colour: 'red' } }, 'unknown-input'],
      [{ workflow: 'approval', inputs: [1] }, 'inputs-not-object'],
      [{ workflow: 'shell' }, 'cli-not-allowed'],
      [{ workflow: 'needs-secret' }, 'missing-secret'],
      [{ inputs: {} }, 'bad-request'],
    ];
    for (const [body, code] of cases) {
      const { status, json } = await startRun(body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(json), JSON.stringify(body)).toContain(code);
    }
    expect(server.runner.started).toHaveLength(0);
    const bad = await server.api('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
  });

  it('runs cli nodes only when the server allows them', async () => {
    const permissive = await startFakeServer({ allowCli: true });
    try {
      const response = await permissive.api('/api/runs', postJson({ workflow: 'shell' }));
      expect(response.status).toBe(201);
    } finally {
      await permissive.cleanup();
    }
  });

  it('applies input defaults and keeps secret values out of the stored inputs', async () => {
    const { json } = await startRun({ workflow: 'approval', inputs: { amount: 2000, note: 'canary-secret-value' } });
    const run = await getRun(server, json.runId as string);
    expect(run.inputs).toEqual({ amount: 2000, note: '[secret TOKEN]' });
    expect(server.runner.started[0]).toMatchObject({
      inputs: { amount: 2000, note: 'canary-secret-value' },
      secrets: { TOKEN: 'canary-secret-value' },
    });
    const other = await startRun({ workflow: 'approval', inputs: { amount: 1 } });
    expect((await getRun(server, other.json.runId as string)).inputs).toEqual({ amount: 1, note: 'none' });
  });

  it('refuses bodies over the limit', async () => {
    const response = await server.api(
      '/api/runs',
      postJson({ workflow: 'three-steps', inputs: { blob: 'x'.repeat(300_000) } }),
    );
    expect(response.status).toBe(413);
  });

  it('gives runs UUIDs in the order they were started (the store appends a new run at its indexes’ end)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await startRun({ workflow: 'three-steps' })).json.runId as string);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Random (version 4) ids come out in this order once in 40! tries.
    expect([...ids].sort()).toEqual(ids);
  });

  it('pages through runs, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await startRun({ workflow: 'three-steps' })).json.runId as string);
    const first = (await (await server.api('/api/runs?limit=2')).json()) as {
      runs: Array<{ id: string }>;
      total: number;
    };
    const second = (await (await server.api('/api/runs?limit=2&offset=2')).json()) as { runs: Array<{ id: string }> };
    expect(first.total).toBe(3);
    expect(first.runs).toHaveLength(2);
    expect([...first.runs, ...second.runs].map((r) => r.id).sort()).toEqual([...ids].sort());
    expect((await server.api('/api/runs?limit=0')).status).toBe(400);
    expect((await server.api('/api/runs?offset=-1')).status).toBe(400);
    expect((await server.api('/api/runs/nope')).status).toBe(404);
  });
});

describe('the .osoplog', () => {
  it('is YAML built from the stored events once the run ended, and 409 while it runs', async () => {
    const { json } = await startRun({ workflow: 'approval', inputs: { amount: 3 } });
    const runId = json.runId as string;
    await waitForRun(server, runId, (r) => r.waiting.includes('review'));
    expect((await server.api(`/api/runs/${runId}/osoplog`)).status).toBe(409);
    await server.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }));
    await waitForRun(server, runId, (r) => r.status !== 'RUNNING');
    const response = await server.api(`/api/runs/${runId}/osoplog`);
    expect(response.headers.get('content-type')).toContain('yaml');
    const record = parse(await response.text()) as {
      run_id: string;
      status: string;
      node_records: Array<{ node_id: string; status: string }>;
    };
    expect(record).toMatchObject({ run_id: runId, status: 'COMPLETED' });
    expect(record.node_records.map((n) => [n.node_id, n.status])).toEqual([
      ['prepare', 'COMPLETED'],
      ['review', 'COMPLETED'],
      ['charge', 'COMPLETED'],
    ]);
  });
});

describe('human nodes', () => {
  const startApproval = async (): Promise<string> => {
    const { json } = await startRun({ workflow: 'approval', inputs: { amount: 2000 } });
    const runId = json.runId as string;
    await waitForRun(server, runId, (r) => r.waiting.includes('review'));
    return runId;
  };

  it('waits for a decision, refuses one for a node that is not waiting, continues on approve', async () => {
    const runId = await startApproval();
    const wrong = await server.api(`/api/runs/${runId}/signal`, postJson({ node: 'charge', decision: 'approved' }));
    expect(wrong.status).toBe(409);
    const invalid = await server.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'maybe' }));
    expect(invalid.status).toBe(400);
    const ok = await server.api(
      `/api/runs/${runId}/signal`,
      postJson({ node: 'review', decision: 'approved', comment: 'fine' }),
    );
    expect(ok.status).toBe(202);
    const run = await waitForRun(server, runId, (r) => r.status !== 'RUNNING');
    expect(run.status).toBe('COMPLETED');
    expect(run.nodes.charge.status).toBe('COMPLETED');
    expect(run.nodes.notify_rejected.status).toBe('PENDING');
    const late = await server.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }));
    expect(late.status).toBe(409);
  });

  it('takes the fallback on reject', async () => {
    const runId = await startApproval();
    await server.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'rejected' }));
    const run = await waitForRun(server, runId, (r) => r.status !== 'RUNNING');
    expect(run.nodes.review.status).toBe('FAILED');
    expect(run.nodes.notify_rejected.status).toBe('COMPLETED');
  });

  it('cancels a waiting run, and refuses to cancel it twice', async () => {
    const runId = await startApproval();
    const cancel = { method: 'POST', headers: { 'content-type': 'application/json' } };
    expect((await server.api(`/api/runs/${runId}/cancel`, cancel)).status).toBe(202);
    const run = await waitForRun(server, runId, (r) => r.status !== 'RUNNING');
    expect(run.status).toBe('CANCELLED');
    expect((await server.api(`/api/runs/${runId}/cancel`, cancel)).status).toBe(409);
  });
});
