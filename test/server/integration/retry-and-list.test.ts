// Retry from the failed node (a new linked run, no repeated Stripe calls before it) and the runs list's filter/search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../../chat/support/sandbox-server.ts';

let server: SandboxServer;
beforeAll(async () => {
  server = await startSandboxServer();
});
afterAll(async () => {
  await server?.cleanup();
});

interface RunBody {
  runId: string;
  status: string;
  inputs: Record<string, unknown>;
  retryOf?: { runId: string; node: string };
  nodes: Record<string, { status: string; visits: number }>;
}

const post = async (path: string, body: unknown) => {
  const response = await server.api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const finished = async (runId: string): Promise<RunBody> => {
  for (let i = 0; i < 1000; i++) {
    const run = (await (await server.api(`/api/runs/${runId}`)).json()) as RunBody;
    if (run.status !== 'RUNNING') return run;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`run ${runId} did not finish`);
};

describe('POST /api/runs/:id/retry', () => {
  it('starts at the failed node with the earlier outputs: the fixed card completes without a second customer', async () => {
    const email = 'retry-api@example.com';
    const { json: started } = await post('/api/runs', {
      workflow: 'stripe-payment',
      inputs: { email, payment_method: 'pm_card_chargeDeclined' },
    });
    const failed = await finished(started.runId as string);
    expect(failed.status).toBe('FAILED');
    expect(failed.nodes.create_intent.visits).toBe(3);
    const customersBefore = server.sandbox.stripe
      .state()
      .customers.filter((customer) => customer.email === email).length;
    expect(customersBefore).toBe(1);

    const retry = await post(`/api/runs/${failed.runId}/retry`, { inputs: { payment_method: 'pm_card_visa' } });
    expect(retry.status).toBe(201);
    expect(retry.json).toMatchObject({ retryOf: failed.runId, from: 'confirm_payment' });
    const done = await finished(retry.json.runId as string);
    expect(done.status).toBe('COMPLETED');
    expect(done.retryOf).toEqual({ runId: failed.runId, node: 'confirm_payment' });
    expect(done.inputs).toMatchObject({ email, payment_method: 'pm_card_visa' });
    expect(done.nodes).toMatchObject({
      create_customer: { status: 'COMPLETED' },
      send_receipt: { status: 'COMPLETED' },
    });
    expect(server.sandbox.stripe.state().customers.filter((customer) => customer.email === email)).toHaveLength(1);
    const events = await (
      await server.api(`/api/runs/${done.runId}/events?after=0`, { headers: { accept: 'application/json' } })
    ).text();
    expect(events).not.toContain('"node":"create_customer","nodeType"');
  });

  it('refuses a running run, an unknown node and a run with nothing failed', async () => {
    const { json } = await post('/api/runs', { workflow: 'sop-stripe-payment', inputs: {} });
    const done = await finished(json.runId as string);
    expect((await post(`/api/runs/${done.runId}/retry`, {})).status).toBe(409);
    const unknown = await post(`/api/runs/${done.runId}/retry`, { from: 'nope' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain('has no node nope');
    expect((await post('/api/runs/no-such-run/retry', {})).status).toBe(404);
  });
});

describe('GET /api/runs filters', () => {
  it('filters by workflow and status, searches run ids and input values, pages, and shows durations', async () => {
    const email = 'needle-search@example.com';
    const { json } = await post('/api/runs', { workflow: 'stripe-payment', inputs: { email } });
    await finished(json.runId as string);
    const list = async (query: string) =>
      (await (await server.api(`/api/runs?${query}`)).json()) as {
        runs: Array<{ id: string; workflowId: string; status: string; durationMs?: number }>;
        total: number;
      };
    const found = await list('q=needle-search');
    expect(found.runs.map((run) => run.id)).toEqual([json.runId]);
    expect(found.runs[0].durationMs).toBeGreaterThan(0);
    expect((await list(`q=${(json.runId as string).slice(0, 8)}`)).runs.map((run) => run.id)).toContain(json.runId);
    const byWorkflow = await list('workflow=stripe-payment');
    expect(byWorkflow.runs.every((run) => run.workflowId === 'stripe-payment')).toBe(true);
    const failed = await list('status=failed');
    expect(failed.runs.every((run) => run.status === 'FAILED')).toBe(true);
    const firstPage = await list('limit=1&offset=0');
    const secondPage = await list('limit=1&offset=1');
    expect(firstPage.total).toBeGreaterThan(1);
    expect(firstPage.runs[0].id).not.toBe(secondPage.runs[0].id);
    expect((await server.api('/api/runs?status=weird')).status).toBe(400);
    expect((await list('q=100%25_')).runs).toEqual([]);
  });
});
