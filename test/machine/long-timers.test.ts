// Timers longer than Node's 2^31-1 ms limit (24.8 days) fire when they should, also after a restart.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRun } from '../../src/machine/runner.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import type { RunHandle } from '../../src/machine/run-options.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';

const DAY = 86_400_000;

const approval = (() => {
  const { workflow, diagnostics } = loadWorkflowText(
    `osop_version: "1.0"
id: monthly-approval
name: Monthly approval
nodes:
  - id: approve
    type: human
    timeout_sec: 2592000
  - id: done
    type: human
edges:
  - { from: approve, to: done }
`,
    'approval.osop.yaml',
  );
  if (!workflow) throw new Error(JSON.stringify(diagnostics));
  return workflow;
})();

const timedOut = (events: RunEvent[]) =>
  events.some((event) => event.type === 'node.failed' && event.node === 'approve');

const start = (
  events: RunEvent[],
  options: { snapshot?: unknown; onSnapshot?: (snapshot: unknown) => void } = {},
): RunHandle => startRun({ workflow: approval, executors: {}, onEvent: (event) => events.push(event), ...options });

describe('a 30-day timeout on a human node', () => {
  afterEach(() => vi.useRealTimers());

  it('is still pending after 5 s of real time', async () => {
    const events: RunEvent[] = [];
    const run = start(events);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(run.waiting()).toEqual(['approve']);
    expect(timedOut(events)).toBe(false);
    run.cancel();
    await run.done;
  }, 15_000);

  it('fires after 30 days, not before', async () => {
    vi.useFakeTimers();
    const events: RunEvent[] = [];
    const run = start(events);
    await vi.advanceTimersByTimeAsync(30 * DAY - 1000);
    expect(run.waiting()).toEqual(['approve']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'approve',
      error: { code: 'timeout' },
    });
    expect((await run.done).status).toBe('FAILED');
  });

  it('keeps its deadline across a restart: 10 days, a new process, then 20 more days', async () => {
    vi.useFakeTimers();
    let snapshot: unknown;
    const before = start([], { onSnapshot: (latest) => (snapshot = latest) });
    await vi.advanceTimersByTimeAsync(10 * DAY);
    const stored = JSON.parse(JSON.stringify(snapshot)) as unknown;
    before.cancel();
    await before.done;

    const events: RunEvent[] = [];
    const resumed = start(events, { snapshot: stored });
    await vi.advanceTimersByTimeAsync(20 * DAY - 1000);
    expect(resumed.waiting()).toEqual(['approve']);
    expect(timedOut(events)).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(timedOut(events)).toBe(true);
    await resumed.done;
  });
});

describe('a 30-day workflow timeout_sec', () => {
  afterEach(() => vi.useRealTimers());

  const monthly = (() => {
    const { workflow, diagnostics } = loadWorkflowText(
      `osop_version: "1.0"
id: monthly-close
name: Monthly close
timeout_sec: 2592000
nodes:
  - id: sign_off
    type: human
`,
      'close.osop.yaml',
    );
    if (!workflow) throw new Error(JSON.stringify(diagnostics));
    return workflow;
  })();

  it('ends the run TIMEOUT 30 days after it started, also when resumed after 10 days', async () => {
    vi.useFakeTimers();
    let snapshot: unknown;
    const before = startRun({ workflow: monthly, executors: {}, onSnapshot: (latest) => (snapshot = latest) });
    await vi.advanceTimersByTimeAsync(10 * DAY);
    const stored = JSON.parse(JSON.stringify(snapshot)) as unknown;
    before.cancel();
    await before.done;

    const resumed = startRun({ workflow: monthly, executors: {}, snapshot: stored });
    let ended = false;
    void resumed.done.then(() => (ended = true));
    await vi.advanceTimersByTimeAsync(20 * DAY - 1000);
    expect(ended).toBe(false);
    expect(resumed.waiting()).toEqual(['sign_off']);
    await vi.advanceTimersByTimeAsync(2000);
    expect((await resumed.done).status).toBe('TIMEOUT');
  });
});
