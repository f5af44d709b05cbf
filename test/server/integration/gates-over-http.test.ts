// Issue 17 through the server: POST /api/runs, then /signal approves a gated api node; wait_n completes past a failure.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { fetchValidOsoplog } from './valid-osoplog.ts';
import { streamRun } from '../support/sse-client.ts';
import { startRealServer, startRunOver, type RealServer } from './real-server.ts';

const SEMANTICS = join(import.meta.dirname, '../../fixtures/semantics');
let server: RealServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-gates-'));
  for (const name of [
    'approval-gate-api',
    'wait-n',
    'wait-any',
    'security-risk-gate',
    'idempotency-template',
    'cost-budget',
  ])
    copyFileSync(join(SEMANTICS, `${name}.osop.yaml`), join(dir, `${name}.osop.yaml`));
  server = await startRealServer({ workflowsDir: dir, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const nodesWith = (events: RunEvent[], type: RunEvent['type']) =>
  events.filter((event) => event.type === type).map((event) => ('node' in event ? event.node : ''));

const expectValidOsoplog = (runId: string) => fetchValidOsoplog(server.url, runId);

describe('an approval gate on an api node over HTTP', () => {
  it('waits at the gate, makes no call until /signal approves, then completes', async () => {
    const runId = await startRunOver(server, 'approval-gate-api');
    const before = await streamRun(server.url, runId, { stopWhen: (event) => event.type === 'human.waiting' });
    expect(before.events.at(-1)).toMatchObject({ type: 'human.waiting', node: 'create_customer' });
    expect(before.events.some((event) => event.type === 'node.request')).toBe(false);
    const notWaiting = await server.post(`/api/runs/${runId}/signal`, { node: 'welcome', decision: 'approved' });
    expect(notWaiting.status).toBe(409);
    const signal = await server.post(`/api/runs/${runId}/signal`, { node: 'create_customer', decision: 'approved' });
    expect(signal.status).toBeLessThan(300);
    const after = await streamRun(server.url, runId, { lastEventId: before.events.at(-1)?.seq });
    expect(after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(nodesWith(after.events, 'node.request')).toEqual(['create_customer']);
    expect(nodesWith(after.events, 'node.completed')).toEqual(['create_customer', 'welcome']);
    await expectValidOsoplog(runId);
  }, 30_000);

  it('skips the call and takes the fallback when /signal rejects', async () => {
    const runId = await startRunOver(server, 'approval-gate-api');
    const result = await streamRun(server.url, runId, {
      onEvent: (event) => {
        if (event.type === 'human.waiting')
          void server.post(`/api/runs/${runId}/signal`, { node: event.node, decision: 'rejected' });
      },
    });
    expect(result.events.some((event) => event.type === 'node.request')).toBe(false);
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'create_customer',
      error: { code: 'approval_rejected' },
    });
    expect(nodesWith(result.events, 'node.completed')).toEqual(['record_refusal']);
    await expectValidOsoplog(runId);
  }, 30_000);
});

describe('an approval gate across a server restart', () => {
  it('still waits at the gate in the new process, and /signal there lets the call through', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'sopstate-gate-restart-'));
    const dbFile = join(dbDir, 'runs.db');
    try {
      const first = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      const runId = await startRunOver(first, 'approval-gate-api');
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
        expect(nodesWith(after.events, 'node.completed')).toEqual(['create_customer', 'welcome']);
      } finally {
        await second.cleanup();
      }
    } finally {
      rmSync(dbDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('wait_n over HTTP', () => {
  it('completes when two of three branches succeeded and one failed', async () => {
    const runId = await startRunOver(server, 'wait-n');
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(nodesWith(result.events, 'node.failed')).toEqual(['mirror_us']);
    expect(nodesWith(result.events, 'node.completed')).toContain('publish');
    await expectValidOsoplog(runId);
  }, 30_000);
});

describe('wait_any over HTTP', () => {
  it('completes with the branch that arrived after the failed one, and stops the third', async () => {
    const runId = await startRunOver(server, 'wait-any');
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(nodesWith(result.events, 'node.failed')).toEqual(['mirror_eu']);
    expect(nodesWith(result.events, 'node.completed')).toEqual(expect.arrayContaining(['mirror_us', 'publish']));
    expect(nodesWith(result.events, 'node.skipped')).toContain('mirror_ap');
    const log = await expectValidOsoplog(runId);
    expect(log.status).toBe('COMPLETED');
  }, 30_000);
});

describe('security asks for approval over HTTP', () => {
  it('waits at the high-risk node with its risk level in the details, and lets the opted-out node run', async () => {
    const runId = await startRunOver(server, 'security-risk-gate');
    const waited: RunEvent[] = [];
    const result = await streamRun(server.url, runId, {
      onEvent: (event) => {
        if (event.type !== 'human.waiting') return;
        waited.push(event);
        void server.post(`/api/runs/${runId}/signal`, { node: event.node, decision: 'approved' });
      },
    });
    expect(waited.map((event) => ('node' in event ? event.node : ''))).toEqual(['create_customer', 'refund_all']);
    expect(waited[1]).toMatchObject({ details: { approval_gate: { risk_level: 'high' } } });
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(nodesWith(result.events, 'node.completed')).toEqual(['create_customer', 'refund_all', 'export_audit']);
    await expectValidOsoplog(runId);
  }, 30_000);
});

describe('idempotency.key over HTTP', () => {
  const customersOf = (events: RunEvent[]) =>
    events.flatMap((event) =>
      event.type === 'node.completed' && event.node === 'create_customer'
        ? [(event.outputs as { customer_id?: string }).customer_id]
        : [],
    );
  const replays = (events: RunEvent[]) =>
    events.filter((event) => event.type === 'node.response' && event.replayed === true).length;

  it('gives a second run for the same order the first run’s customer, and another order its own', async () => {
    const first = await streamRun(server.url, await startRunOver(server, 'idempotency-template', { order_id: 'o-9' }));
    const again = await streamRun(server.url, await startRunOver(server, 'idempotency-template', { order_id: 'o-9' }));
    const other = await streamRun(server.url, await startRunOver(server, 'idempotency-template', { order_id: 'o-10' }));
    for (const run of [first, again, other])
      expect(run.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const [customer] = customersOf(first.events);
    expect(customer).toMatch(/^cus_/);
    expect(customersOf(first.events)).toEqual([customer, customer]);
    expect(replays(first.events)).toBe(1);
    expect(customersOf(again.events)).toEqual([customer, customer]);
    expect(replays(again.events)).toBe(2);
    expect(customersOf(other.events)[0]).not.toBe(customer);
    await expectValidOsoplog(again.events[0].runId);
  }, 30_000);

  it('fails the node before any call when a part of the key is empty', async () => {
    const runId = await startRunOver(server, 'idempotency-template', { order_id: '' });
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', status: 'FAILED' });
    expect(nodesWith(result.events, 'node.request')).toEqual([]);
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'create_customer',
      error: { code: 'idempotency_key', message: expect.stringContaining('${inputs.order_id} is empty') },
    });
    const log = await expectValidOsoplog(runId);
    expect(log.status).toBe('FAILED');
  }, 30_000);
});

describe('a cost budget over HTTP', () => {
  it('ends the run COST_LIMIT after the node that crossed it, lists it under that status, and records it', async () => {
    const runId = await startRunOver(server, 'cost-budget');
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      status: 'COST_LIMIT',
      error: { code: 'cost_limit', message: expect.stringContaining('110 tokens, over max_tokens 60') },
    });
    expect(nodesWith(result.events, 'node.completed')).toEqual(['outline', 'draft']);
    expect(nodesWith(result.events, 'node.started')).not.toContain('polish');
    const listed = (await (await fetch(`${server.url}/api/runs?status=COST_LIMIT`)).json()) as {
      runs: Array<{ id: string; status: string }>;
    };
    expect(listed.runs.find((run) => run.id === runId)).toMatchObject({ status: 'COST_LIMIT' });
    const log = await expectValidOsoplog(runId);
    expect(log.status).toBe('COST_LIMIT');
  }, 30_000);
});
