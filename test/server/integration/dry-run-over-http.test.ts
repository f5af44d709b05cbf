// Issue 17 through the server: POST /api/runs {"dryRun": true, "path"?: N} walks the happy path (or path N) with
// made-up outputs, names them in the SSE node.completed events, and keeps a valid dry_run .osoplog.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { fetchValidOsoplog } from './valid-osoplog.ts';
import { streamRun } from '../support/sse-client.ts';
import { EXAMPLES, SEED_ID, startRealServer, type RealServer } from './real-server.ts';

const SEMANTICS = join(import.meta.dirname, '../../fixtures/semantics');
let server: RealServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-dry-run-'));
  copyFileSync(join(SEMANTICS, 'dry-run-branches.osop.yaml'), join(dir, 'dry-run-branches.osop.yaml'));
  copyFileSync(join(EXAMPLES, 'stripe-payment-seed.osop.yaml'), join(dir, 'stripe-payment-seed.osop.yaml'));
  copyFileSync(join(SEMANTICS, 'approval-gate-api.osop.yaml'), join(dir, 'approval-gate-api.osop.yaml'));
  copyFileSync(join(SEMANTICS, 'otherwise-branch.osop.yaml'), join(dir, 'otherwise-branch.osop.yaml'));
  server = await startRealServer({ workflowsDir: dir });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function startDry(body: Record<string, unknown>): Promise<string> {
  const response = await server.post('/api/runs', { dryRun: true, ...body });
  const answer = (await response.json()) as { runId?: string };
  expect(response.status, JSON.stringify(answer)).toBe(201);
  return answer.runId!;
}

const expectValidOsoplog = (runId: string) => fetchValidOsoplog(server.url, runId);

const completed = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'node.completed' ? [event.node] : []));

describe('dry runs over HTTP', () => {
  it('walks the happy path and names the synthesized outputs in the SSE events', async () => {
    const runId = await startDry({ workflow: 'dry_run_branches' });
    const { events } = await streamRun(server.url, runId);
    expect(events[0]).toMatchObject({ type: 'run.started', dryRun: true });
    expect(completed(events)).toEqual(['fetch_order', 'fraud_check', 'classify', 'ship_eu']);
    expect(events.find((event) => event.type === 'node.completed' && event.node === 'classify')).toMatchObject({
      outputs: { region: 'eu' },
      synthesized: ['region', 'confidence'],
    });
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const log = await expectValidOsoplog(runId);
    expect(log.mode).toBe('dry_run');
  }, 30_000);

  it('follows "path": N: a node the path fails fails, and its fallback runs', async () => {
    const runId = await startDry({ workflow: 'dry_run_branches', path: 2 });
    const { events } = await streamRun(server.url, runId);
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({ node: 'ship_eu' });
    expect(completed(events)).toEqual(['fetch_order', 'fraud_check', 'classify', 'ship_by_hand']);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    await expectValidOsoplog(runId);
  }, 30_000);

  it('finds the happy path with the inputs the page typed', async () => {
    const runId = await startDry({ workflow: 'otherwise_branch', inputText: { amount: '50' } });
    const { events } = await streamRun(server.url, runId);
    expect(events[0]).toMatchObject({ type: 'run.started', inputs: { amount: 50 } });
    expect(completed(events)).toEqual(['triage', 'auto_approve']);
  }, 30_000);

  it('walks the seed to send_receipt without calling Stripe or Claude', async () => {
    const runId = await startDry({ workflow: SEED_ID });
    const { events } = await streamRun(server.url, runId);
    expect(completed(events).at(-1)).toBe('send_receipt');
    expect(events.some((event) => event.type === 'node.request' || event.type === 'agent.delta')).toBe(false);
    await expectValidOsoplog(runId);
  }, 30_000);

  it('refuses a path the workflow lacks, a path without dryRun, and a live retry of a dry run', async () => {
    const missing = await server.post('/api/runs', { workflow: 'dry_run_branches', dryRun: true, path: 99 });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('has no path 99');
    const live = await server.post('/api/runs', { workflow: 'dry_run_branches', path: 2 });
    expect(live.status).toBe(400);
    expect(await live.text()).toContain('path only applies to a dry run');
    const runId = await startDry({ workflow: 'dry_run_branches', path: 2 });
    await streamRun(server.url, runId);
    const retry = await server.post(`/api/runs/${runId}/retry`, { from: 'ship_eu' });
    expect(retry.status).toBe(409);
    expect(await retry.text()).toContain('is a dry run');
  }, 30_000);
});

describe('a dry run across a server restart', () => {
  it('goes on as a dry run: the gated Stripe call is still not made', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'sopstate-dry-restart-'));
    const dbFile = join(dbDir, 'runs.db');
    try {
      const first = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      const response = await first.post('/api/runs', { workflow: 'approval-gate-api', dryRun: true });
      const { runId } = (await response.json()) as { runId: string };
      const before = await streamRun(first.url, runId, { stopWhen: (event) => event.type === 'human.waiting' });
      await first.cleanup();

      const second = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      try {
        expect(second.restored.restored).toEqual([runId]);
        const after = await streamRun(second.url, runId, {
          lastEventId: before.events.at(-1)?.seq,
          onEvent: (event) => {
            if (event.type === 'human.waiting')
              void second.post(`/api/runs/${runId}/signal`, { node: event.node, decision: 'approved' });
          },
        });
        expect(after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
        expect(completed(after.events)).toEqual(['create_customer', 'welcome']);
        expect(after.events.some((event) => event.type === 'node.request')).toBe(false);
        expect(after.events.find((event) => event.type === 'node.completed')).toMatchObject({
          synthesized: ['customer_id'],
        });
      } finally {
        await second.cleanup();
      }
    } finally {
      rmSync(dbDir, { recursive: true, force: true });
    }
  }, 60_000);
});
