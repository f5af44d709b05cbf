// Issue 17 through the server: a failed node keeps its outputs, so an error edge whose `when` reads them is taken;
// the SSE stream's node.failed and /api/runs/:id/osoplog show them.
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
  dir = mkdtempSync(join(tmpdir(), 'sopstate-error-edges-'));
  for (const name of ['error-edge-outputs', 'error-edge-decline'])
    copyFileSync(join(SEMANTICS, `${name}.osop.yaml`), join(dir, `${name}.osop.yaml`));
  server = await startRealServer({ workflowsDir: dir, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const expectValidOsoplog = (runId: string) => fetchValidOsoplog(server.url, runId);

const taken = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'edge.taken' ? [`${event.from} ─${event.mode}→ ${event.to}`] : []));
const recordOf = (log: Record<string, unknown>, node: string) =>
  (log.node_records as Array<Record<string, unknown>>).find((record) => record.node_id === node);

describe('error edges that read the failed node’s outputs, over HTTP', () => {
  it('takes the repair edge after the command printed success: false and exited 1', async () => {
    const runId = await startRunOver(server, 'error_edge_outputs');
    const { events } = await streamRun(server.url, runId);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(taken(events)).toEqual(['validate ─error→ repair']);
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'validate',
      error: { code: 'exit_1' },
      outputs: { validation_result: { success: false }, exit_code: 1, stderr: 'draft is invalid' },
    });
    const log = await expectValidOsoplog(runId);
    expect(recordOf(log, 'validate')).toMatchObject({
      status: 'FAILED',
      outputs: { validation_result: { success: false, errors: ['title missing'] }, exit_code: 1 },
    });
    expect(recordOf(log, 'repair')).toMatchObject({ status: 'COMPLETED' });
    const view = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as {
      nodes: Record<string, { status: string; outputs?: Record<string, unknown> }>;
    };
    expect(view.nodes.validate).toMatchObject({ status: 'FAILED', outputs: { exit_code: 1 } });
  }, 30_000);

  it("takes the edge for Stripe's decline_code, its secrets masked", async () => {
    const runId = await startRunOver(server, 'error_edge_decline', { card: 'pm_card_chargeDeclinedInsufficientFunds' });
    const { events } = await streamRun(server.url, runId);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(taken(events)).toContain('confirm ─error→ ask_for_another_card');
    const failed = events.find((event) => event.type === 'node.failed');
    expect(failed).toMatchObject({
      node: 'confirm',
      outputs: {
        status: 402,
        data: {
          error: {
            decline_code: 'insufficient_funds',
            payment_intent: { client_secret: '[secret confirm.data.error.payment_intent.client_secret]' },
          },
        },
      },
    });
    const log = await expectValidOsoplog(runId);
    expect(recordOf(log, 'confirm')).toMatchObject({
      status: 'FAILED',
      outputs: { data: { error: { code: 'card_declined', decline_code: 'insufficient_funds' } } },
    });
    expect(JSON.stringify(log)).not.toMatch(/pi_\w+_secret_\w+/);
  }, 30_000);
});
