// The refund and manual-capture examples over the server (the page's path): start, approve over HTTP, complete.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { runWorkflowCommand } from '../../../src/cli/commands/run.ts';
import { startRealServer, startRunOver, type RealServer } from '../../server/integration/real-server.ts';
import { streamRun } from '../../server/support/sse-client.ts';

let server: RealServer;
const logDir = mkdtempSync(join(tmpdir(), 'sopstate-payment-examples-'));
beforeAll(async () => {
  server = await startRealServer();
});
afterAll(async () => {
  await server.cleanup();
  rmSync(logDir, { recursive: true, force: true });
});

const decideWhenWaiting =
  (runId: string, rejected: string[] = []) =>
  (event: RunEvent) => {
    if (event.type !== 'human.waiting') return;
    const decision = rejected.includes(event.node) ? 'rejected' : 'approved';
    void server.post(`/api/runs/${runId}/signal`, { node: event.node, decision });
  };

describe('the payment examples over the server', () => {
  it('stripe-refund-approval: fulfilment rejected, the manager approves over HTTP, the charge is refunded', async () => {
    const runId = await startRunOver(server, 'stripe-refund-approval');
    const result = await streamRun(server.url, runId, { onEvent: decideWhenWaiting(runId, ['fulfil']) });
    expect(result.events.at(-1)?.type).toBe('run.completed');
    const refunds = server.sandbox.stripe.state().refunds;
    expect(refunds.map((refund) => refund.amount)).toEqual([4500]);
    const charge = server.sandbox.stripe.state().charges.find((c) => c.id === refunds[0].charge);
    expect(charge).toMatchObject({ refunded: true, amount_refunded: 4500 });
  }, 30_000);

  it('stripe-manual-capture: approved over HTTP, the held amount is captured', async () => {
    const runId = await startRunOver(server, 'stripe-manual-capture', { capture: 3000 });
    const result = await streamRun(server.url, runId, { onEvent: decideWhenWaiting(runId) });
    expect(result.events.at(-1)?.type).toBe('run.completed');
    const intent = server.sandbox.stripe.state().paymentIntents.at(-1);
    expect(intent).toMatchObject({ capture_method: 'manual', status: 'succeeded', amount_received: 3000 });
  }, 30_000);
});

describe('the payment examples from the command line (run --sandbox --auto-approve)', () => {
  const runCli = async (file: string, input: string[] = [], reject: string[] = []) => {
    let out = '';
    let err = '';
    const code = await runWorkflowCommand(
      file,
      { input, secret: [], approve: [], reject, autoApprove: true, sandbox: true, json: true, dryRun: false, logDir },
      {
        stdout: (text: string) => (out += text),
        stderr: (text: string) => (err += text),
        env: {},
        cwd: process.cwd(),
        color: false,
      },
    );
    return {
      code,
      events: out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RunEvent),
      err,
    };
  };

  it('both complete', async () => {
    for (const file of ['examples/stripe-refund-approval.osop.yaml', 'examples/stripe-manual-capture.osop.yaml']) {
      const { code, events } = await runCli(file);
      expect(code, file).toBe(0);
      expect(events.at(-1)?.type).toBe('run.completed');
    }
  }, 30_000);

  it('the refund path: --reject fulfil, then the refund runs', async () => {
    const { code, events } = await runCli('examples/stripe-refund-approval.osop.yaml', [], ['fulfil']);
    expect(code).toBe(0);
    const refund = events.find(
      (event) => event.type === 'node.completed' && 'node' in event && event.node === 'refund',
    );
    expect(JSON.stringify(refund)).toContain('"refund_status":"succeeded"');
  }, 30_000);

  it("capture past the amount fails with Stripe's amount_too_large", async () => {
    const { code, events } = await runCli('examples/stripe-manual-capture.osop.yaml', ['capture=9999']);
    expect(code).toBe(1);
    expect(JSON.stringify(events.at(-1))).toContain('amount_too_large');
  }, 30_000);
});
