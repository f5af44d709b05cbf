// What a run's records say (issue 12 point 9): secrets that arrive in outputs, cancelled runs, emulated services.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { RunEvent } from '../../src/events/run-event.ts';
import { startRun } from '../../src/machine/runner.ts';
import { schemaValidator } from '../../src/osop/schema-verdict.ts';
import { hang, run, scripted, scriptedAwaitingHumans, workflowFrom } from './helpers.ts';
import { osoplogWriter } from '../../src/store/osoplog-files.ts';

const SECRET = 'pi_3Qx_secret_Zq81xLmN';

const payment = workflowFrom(`
osop_version: "1.0"
id: pay
name: Pay
nodes:
  - { id: create_intent, type: system, name: Create, outputs: [intent_id, client_secret] }
  - { id: pay_page, type: system, name: Pay page, runtime: { url: "https://pay.example/\${create_intent.client_secret}" } }
edges:
  - { from: create_intent, to: pay_page }
`);

describe('secret fields in outputs', () => {
  it('are masked in events, context, snapshots and the .osoplog, and real in the runtime of a later node', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'records-'));
    const snapshots: unknown[] = [];
    const seen: unknown[] = [];
    const executors = scripted({
      create_intent: () => ({
        outputs: { intent_id: 'pi_3Qx', client_secret: SECRET, data: { object: { client_secret: SECRET } } },
      }),
      pay_page: ({ runtime }) => (seen.push(runtime.url), { outputs: { echoed: `went to ${String(runtime.url)}` } }),
    });
    const result = await run(payment, {
      executors,
      writeRecord: osoplogWriter(logDir),
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    expect(result.status).toBe('COMPLETED');
    expect(seen).toEqual([`https://pay.example/${SECRET}`]);
    const osoplog = await readFile(result.osoplogPath!, 'utf8');
    for (const kept of [
      JSON.stringify(result.events),
      JSON.stringify(result.outputs),
      JSON.stringify(snapshots),
      osoplog,
    ]) {
      expect(kept).not.toContain(SECRET);
    }
    expect(result.outputs.create_intent).toMatchObject({
      intent_id: 'pi_3Qx',
      client_secret: '[secret create_intent.client_secret]',
    });
    expect(result.outputs.pay_page.echoed).toBe('went to https://pay.example/[secret create_intent.client_secret]');
  });
});

describe('the .osoplog of a run that did not end on its own, or that ran against emulators', () => {
  const slow = workflowFrom(`
osop_version: "1.0"
id: slow
name: Slow
nodes:
  - { id: wait, type: system, name: Wait }
edges: []
`);

  it('tells a cancelled run from a failure, and stays schema-valid', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'records-'));
    const handle = startRun({
      workflow: slow,
      executors: scripted({ wait: hang }),
      writeRecord: osoplogWriter(logDir),
    });
    await vi.waitFor(() => expect(handle.runId).toBeTruthy());
    handle.cancel();
    const result = await handle.done;
    expect(result.status).toBe('CANCELLED');
    const record = parse(await readFile(result.osoplogPath!, 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ status: 'FAILED', cancelled: true });
    expect(schemaValidator('osoplog')(record)).toBe(true);
  });

  it('names the emulated services, and a failure is not marked cancelled', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'records-'));
    const result = await run(slow, {
      executors: scripted({
        wait: () => {
          throw new Error('boom');
        },
      }),
      writeRecord: osoplogWriter(logDir),
      emulated: ['stripe'],
    });
    const record = parse(await readFile(result.osoplogPath!, 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ status: 'FAILED', mode: 'live', runtime: { emulated_services: ['stripe'] } });
    expect(record.cancelled).toBeUndefined();
    expect(schemaValidator('osoplog')(record)).toBe(true);
  });
});

describe('a resume after the process stopped between a node completing and the next snapshot', () => {
  const chain = workflowFrom(`
osop_version: "1.0"
id: chain
name: Chain
nodes:
  - { id: charge, type: system, name: Charge }
  - { id: approve, type: human, name: Approve }
edges:
  - { from: charge, to: approve }
`);

  it('neither runs the completed node again nor records a second node.completed for it', async () => {
    let charges = 0;
    const executors = { '*': scripted({ charge: () => (charges++, { outputs: { id: 'ch_1' } }) })['*'] };
    const snapshots: unknown[] = [];
    const first = startRun({
      workflow: chain,
      runId: 'r-resume',
      executors,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    await vi.waitFor(() => expect(first.waiting()).toEqual(['approve']));
    first.cancel();
    const stopped = await first.done;
    const completedAt = stopped.events.findIndex((event) => event.type === 'node.completed');
    // What a crash right after node.completed leaves: that event stored, the snapshot still from before it.
    const stored = stopped.events.slice(0, completedAt + 1);
    const snapshot = JSON.parse(JSON.stringify(snapshots[0]));
    const resumed = startRun({
      workflow: chain,
      runId: 'r-resume',
      executors,
      snapshot,
      priorEvents: stored,
      lastSeq: stored.at(-1)!.seq,
    });
    await vi.waitFor(() => expect(resumed.waiting()).toEqual(['approve']));
    resumed.signal('approve', { decision: 'approved' });
    const result = await resumed.done;
    expect(result.status).toBe('COMPLETED');
    expect(charges).toBe(1);
    const all = [...stored, ...result.events];
    expect(all.filter((event) => event.type === 'node.completed' && event.node === 'charge')).toHaveLength(1);
    expect(result.outputs.charge).toEqual({ id: 'ch_1' });
  });
});

describe('a secret output referenced after a resume', () => {
  const paying = workflowFrom(`
osop_version: "1.0"
id: pay-later
name: Pay later
nodes:
  - { id: create_intent, type: system, name: Create, outputs: [intent_id, client_secret] }
  - { id: approve, type: human, name: Approve }
  - { id: pay_page, type: system, name: Pay page, runtime: { url: "https://pay.example/\${create_intent.client_secret}" } }
edges:
  - { from: create_intent, to: approve }
  - { from: approve, to: pay_page }
`);

  it('fails the node that needs it, saying why, and never sends the mask', async () => {
    const sent: unknown[] = [];
    const executors = scriptedAwaitingHumans({
      create_intent: () => ({ outputs: { intent_id: 'pi_3Qx', client_secret: SECRET } }),
      pay_page: ({ runtime }) => (sent.push(runtime.url), { outputs: {} }),
    });
    const snapshots: unknown[] = [];
    const events: RunEvent[] = [];
    const first = startRun({
      workflow: paying,
      executors,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
      onEvent: (event) => events.push(event),
    });
    await vi.waitFor(() => expect(first.waiting()).toEqual(['approve']));
    // What a restart leaves: the stored snapshot and events; the secret's value lived only in the stopped process.
    const snapshot = JSON.parse(JSON.stringify(snapshots.at(-1)));
    const stored = [...events];
    first.cancel();
    await first.done;

    const lastSeq = stored.at(-1)!.seq;
    const resumed = startRun({ workflow: paying, executors, snapshot, priorEvents: stored, lastSeq });
    await vi.waitFor(() => expect(resumed.waiting()).toEqual(['approve']));
    resumed.signal('approve', { decision: 'approved' });
    const result = await resumed.done;
    expect(result.status).toBe('FAILED');
    expect(sent).toEqual([]);
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'pay_page',
      error: {
        code: 'secret_not_kept',
        message: expect.stringContaining('the value of create_intent.client_secret is not kept across a restart'),
      },
    });
    expect(JSON.stringify(result.events)).not.toContain(SECRET);
  });
});

describe('a run secret masked inside a node output', () => {
  const echoing = workflowFrom(`
osop_version: "1.0"
id: echo-token
name: Echo token
nodes:
  - { id: build, type: system, name: Build, outputs: [log] }
  - { id: notify, type: system, name: Notify, runtime: { text: "build said \${build.log}" } }
edges:
  - { from: build, to: notify }
`);

  it('reaches the next node as its mask, and the run completes (no secret_not_kept)', async () => {
    const sent: unknown[] = [];
    const executors = scripted({
      build: () => ({ outputs: { log: 'deploying with tok_live_81xLmN' } }),
      notify: ({ runtime }) => (sent.push(runtime.text), { outputs: {} }),
    });
    const result = await startRun({ workflow: echoing, executors, secrets: { DEPLOY_TOKEN: 'tok_live_81xLmN' } }).done;
    expect(result.status).toBe('COMPLETED');
    expect(sent).toEqual(['build said deploying with [secret DEPLOY_TOKEN]']);
    expect(JSON.stringify(result.events)).not.toContain('tok_live_81xLmN');
  });
});
