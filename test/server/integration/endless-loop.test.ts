// A loop that never ends, on the real server: the run ends FAILED at its bound and the server keeps serving
// (issue 13 "Bounds": "a never-ending loop ends FAILED with a bound, and the server stays up").
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, SEED_ID, startRealServer, startRunOver, type RealServer } from './real-server.ts';

// Polls one customer for ever: the condition holds on every answer, and no max_iterations is set.
const ENDLESS = `osop_version: "1.0"
id: endless-poll
name: Poll a customer for ever
nodes:
  - id: create_customer
    type: api
    name: POST /v1/customers
    runtime:
      { method: POST, url: "https://api.stripe.com", endpoint: /v1/customers, body: { email: "loop@example.com" } }
    outputs: [{ customer_id: data.id }]
  - id: poll
    type: api
    name: GET /v1/customers/{id}
    runtime: { method: GET, url: "https://api.stripe.com", endpoint: "/v1/customers/\${create_customer.customer_id}" }
    outputs: [{ email: data.email }]
  - id: done
    type: api
    name: never reached
    runtime: { method: GET, url: "https://api.stripe.com", endpoint: /v1/customers }
edges:
  - { from: create_customer, to: poll }
  - { from: poll, to: poll, mode: loop, when: "poll.email == 'loop@example.com'" }
  - { from: poll, to: done }
`;

interface RunBody {
  status: string;
  error?: { code: string; message: string };
  nodes: Record<string, { status: string; visits: number }>;
}

let server: RealServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-endless-'));
  copyFileSync(join(EXAMPLES, 'stripe-payment-seed.osop.yaml'), join(dir, 'stripe-payment-seed.osop.yaml'));
  writeFileSync(join(dir, 'endless-poll.osop.yaml'), ENDLESS);
  server = await startRealServer({ workflowsDir: dir });
});
afterAll(async () => {
  await server?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const finished = async (runId: string): Promise<RunBody> => {
  for (;;) {
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as RunBody;
    if (run.status !== 'RUNNING') return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('a workflow whose loop never ends, on the server', () => {
  it('ends FAILED at the loop bound, and the server still answers and runs the seed', async () => {
    const run = await finished(await startRunOver(server, 'endless-poll'));
    expect(run).toMatchObject({
      status: 'FAILED',
      error: { code: 'cycle_limit', message: expect.stringContaining('1000') },
    });
    expect(run.nodes.poll.visits).toBe(1000);
    expect(run.nodes.done.status).not.toBe('COMPLETED');

    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const seed = await finished(await startRunOver(server, SEED_ID));
    expect(seed.status).toBe('COMPLETED');
  }, 120_000);
});
