// Issue 17: approval gates on any node, and wait_n / wait_any joins that survive a failed branch (docs/semantics.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeExecution } from '../../src/adapters/executor.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { startRun } from '../../src/machine/runner.ts';
import { REPO_ROOT } from '../fixtures/corpus-paths.ts';
import { completed, fail, hang, scripted, skipped, workflowFrom, type Script } from './helpers.ts';

const textOf = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/semantics', `${name}.osop.yaml`), 'utf8');
const HOUR = 3_600_000;
const secrets = { STRIPE_SECRET_KEY: 'sk_test_gate' };

describe('approval_gate on an api node', () => {
  afterEach(() => vi.useRealTimers());
  const workflow = workflowFrom(textOf('approval-gate-api'), 'approval-gate-api.osop.yaml');

  function gated(options: { snapshot?: unknown; onSnapshot?: (snapshot: unknown) => void } = {}) {
    const calls: string[] = [];
    const events: RunEvent[] = [];
    const call = ({ node }: NodeExecution) => (calls.push(node.id), { outputs: {} });
    const handle = startRun({
      workflow,
      secrets,
      executors: scripted({ create_customer: call, welcome: call, record_refusal: call }),
      onEvent: (event) => events.push(event),
      ...options,
    });
    return { handle, calls, events };
  }
  const waitingFor = async (handle: { waiting(): string[] }) => {
    for (let tries = 0; tries < 500 && handle.waiting().length === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 1));
  };

  it('waits before the call, as a human node does, and makes it once approved', async () => {
    const { handle, calls, events } = gated();
    await waitingFor(handle);
    expect(handle.waiting()).toEqual(['create_customer']);
    expect(calls).toEqual([]);
    expect(events.find((event) => event.type === 'human.waiting')).toMatchObject({
      node: 'create_customer',
      prompt: 'Create this customer in Stripe',
      details: {
        method: 'POST',
        body: { email: 'gated@example.com' },
        approval_gate: { approvers: ['finance'], timeout: '24h', on_timeout: 'reject' },
      },
    });
    expect(JSON.stringify(events)).not.toContain(secrets.STRIPE_SECRET_KEY);
    expect(handle.signal('create_customer', { decision: 'approved' })).toBe(true);
    const result = await handle.done;
    expect(result.status).toBe('COMPLETED');
    expect(calls).toEqual(['create_customer', 'welcome']);
  });

  it('fails the node without calling it when rejected, so the fallback runs', async () => {
    const { handle, calls, events } = gated();
    await waitingFor(handle);
    handle.signal('create_customer', { decision: 'rejected', comment: 'too large' });
    const result = await handle.done;
    expect(calls).toEqual(['record_refusal']);
    expect(result.status).toBe('COMPLETED');
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'create_customer',
      error: { code: 'approval_rejected', message: expect.stringContaining('too large') },
    });
  });

  it('applies on_timeout: reject after the gate’s timeout, counted from before a restart', async () => {
    vi.useFakeTimers();
    let snapshot: unknown;
    const before = gated({ onSnapshot: (latest) => (snapshot = latest) });
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    const stored = JSON.parse(JSON.stringify(snapshot)) as unknown;
    before.handle.cancel();
    await before.handle.done;

    const resumed = gated({ snapshot: stored });
    await vi.advanceTimersByTimeAsync(14 * HOUR - 1000);
    expect(resumed.handle.waiting()).toEqual(['create_customer']);
    await vi.advanceTimersByTimeAsync(2000);
    const result = await resumed.handle.done;
    expect(resumed.calls).toEqual(['record_refusal']);
    expect(resumed.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'create_customer',
      error: { code: 'approval_timeout' },
    });
    expect(result.status).toBe('COMPLETED');
  });

  it('runs the node when on_timeout is approve', async () => {
    vi.useFakeTimers();
    const lenient = workflowFrom(textOf('approval-gate-api').replace('on_timeout: reject', 'on_timeout: approve'));
    const calls: string[] = [];
    const call = ({ node }: NodeExecution) => (calls.push(node.id), { outputs: {} });
    const handle = startRun({
      workflow: lenient,
      secrets,
      executors: scripted({ create_customer: call, welcome: call }),
    });
    await vi.advanceTimersByTimeAsync(24 * HOUR - 1000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect((await handle.done).status).toBe('COMPLETED');
    expect(calls).toEqual(['create_customer', 'welcome']);
  });

  it('does not ask again after a restart once the gate let the node through', async () => {
    let snapshot: unknown;
    const inFlight = ({ signal }: NodeExecution) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const before = startRun({
      workflow,
      secrets,
      executors: scripted({ create_customer: inFlight }),
      onSnapshot: (latest) => (snapshot = latest),
    });
    await waitingFor(before);
    before.signal('create_customer', { decision: 'approved' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stored = JSON.parse(JSON.stringify(snapshot)) as unknown;
    before.cancel();
    await before.done;

    const resumed = gated({ snapshot: stored });
    const result = await resumed.handle.done;
    expect(resumed.events.some((event) => event.type === 'human.waiting')).toBe(false);
    expect(resumed.calls).toEqual(['create_customer', 'welcome']);
    expect(result.status).toBe('COMPLETED');
  });

  it('does not gate a node whose approval_gate is not required', async () => {
    const open = workflowFrom(textOf('approval-gate-api').replace('required: true', 'required: false'));
    const result = await startRun({ workflow: open, secrets, executors: scripted() }).done;
    expect(result.status).toBe('COMPLETED');
  });
});

describe('wait_n with a failed branch', () => {
  const workflow = workflowFrom(textOf('wait-n'), 'wait-n.osop.yaml');
  const down = () => fail('mirror down', { code: 'down' });

  it('joins once two of three branches succeeded, though the third failed', async () => {
    const result = await startRun({ workflow, executors: scripted({ mirror_us: down }) }).done;
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toContain('publish');
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({ node: 'mirror_us' });
  });

  it('fails once two can no longer succeed, with the branch’s error', async () => {
    const result = await startRun({ workflow, executors: scripted({ mirror_us: down, mirror_ap: down }) }).done;
    expect(result.status).toBe('FAILED');
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: {
        code: 'down',
        message: expect.stringContaining('at most 1 of 3 branches can reach publish; it waits for 2'),
      },
    });
    expect(completed(result.events)).not.toContain('publish');
  });

  it('stops a branch still running when two succeeded, reporting its node skipped', async () => {
    const hangs = ({ signal }: NodeExecution) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const result = await startRun({ workflow, executors: scripted({ mirror_us: hangs }) }).done;
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toContain('publish');
    expect(skipped(result.events)).toContain('mirror_us');
  });
});

describe('wait_any with a failed branch', () => {
  const workflow = workflowFrom(textOf('wait-any'), 'wait-any.osop.yaml');

  /** Runs the fixture; each branch in `order` starts its script only once the one before it has failed. */
  function inOrder(order: string[], script: Script) {
    const failures = new Map<string, () => void>();
    const failed = new Map(order.map((node) => [node, new Promise<void>((resolve) => failures.set(node, resolve))]));
    const turnOf = (node: string) => failed.get(order[order.indexOf(node) - 1]) ?? Promise.resolve();
    const delayed: Script = {};
    for (const [node, step] of Object.entries(script))
      delayed[node] = async (execution) => {
        await turnOf(node);
        return step(execution);
      };
    return startRun({
      workflow,
      executors: scripted(delayed),
      onEvent: (event) => {
        if (event.type === 'node.failed') failures.get(event.node)?.();
      },
    }).done;
  }

  it('joins with a branch that arrives after another failed, and stops the third', async () => {
    const result = await inOrder(['mirror_eu', 'mirror_us'], {
      mirror_eu: () => fail('mirror down', { code: 'down' }),
      mirror_us: () => ({ outputs: { mirror: 'us' } }),
      mirror_ap: hang,
    });
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toEqual(['start', 'mirror_us', 'publish']);
    expect(result.events.filter((event) => event.type === 'node.failed')).toMatchObject([
      { node: 'mirror_eu', error: { code: 'down' } },
    ]);
    expect(skipped(result.events)).toEqual(['mirror_ap']);
  });

  it('fails once every branch failed, with the last failure’s error', async () => {
    const down = (region: string) => () => fail(`mirror ${region} down`, { code: `down_${region}` });
    const result = await inOrder(['mirror_eu', 'mirror_ap', 'mirror_us'], {
      mirror_eu: down('eu'),
      mirror_ap: down('ap'),
      mirror_us: down('us'),
    });
    expect(result.status).toBe('FAILED');
    expect(result.events.filter((event) => event.type === 'node.failed').map((event) => event.node)).toEqual([
      'mirror_eu',
      'mirror_ap',
      'mirror_us',
    ]);
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: {
        code: 'down_us',
        message: 'mirror us down (at most 0 of 3 branches can reach publish; it waits for 1)',
      },
    });
    expect(skipped(result.events)).toEqual(['publish']);
  });

  it('fails when the branches that did not fail ended without reaching the join', async () => {
    const ends = workflowFrom(
      textOf('wait-any').replace(
        '{ from: mirror_us, to: publish }',
        '{ from: mirror_us, to: publish, mode: conditional, when: "mirror_us.fresh == true" }',
      ),
    );
    const result = await startRun({
      workflow: ends,
      executors: scripted({
        mirror_eu: () => fail('mirror eu down', { code: 'down' }),
        mirror_us: () => ({ outputs: { fresh: false } }),
        mirror_ap: () => fail('mirror ap down', { code: 'down' }),
      }),
    }).done;
    expect(result.status).toBe('FAILED');
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: { code: 'down', message: expect.stringContaining('at most 0 of 3 branches can reach publish') },
    });
    expect(completed(result.events)).not.toContain('publish');
  });
});
