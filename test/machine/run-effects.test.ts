// What the runner leaves to its caller: the clock, where warnings go, where the .osoplog record goes.
import { describe, expect, it, vi } from 'vitest';
import type { OsoplogRecord } from '../../src/machine/osoplog.ts';
import { edges, run, scripted, workflowFrom } from './helpers.ts';

const chain = workflowFrom(`
osop_version: "1.0"
id: chain
name: Chain
nodes:
  - { id: fetch, type: api, name: Fetch }
  - { id: publish, type: cli, name: Publish }
edges:
  - { from: fetch, to: publish }
`);

describe('the clock option', () => {
  it('stamps every event and measures the run by the given clock', async () => {
    let now = Date.parse('2030-05-01T12:00:00.000Z');
    const clock = () => (now += 10);
    const result = await run(chain, { clock });
    expect(result.events.map((event) => event.at.slice(0, 16))).toEqual(result.events.map(() => '2030-05-01T12:00'));
    const final = result.events.at(-1);
    if (final?.type !== 'run.completed') throw new Error(`the run ended with ${final?.type}`);
    // Every reading moves the clock 10 ms: the run took a whole number of readings.
    expect(final.durationMs).toBeGreaterThan(0);
    expect(final.durationMs % 10).toBe(0);
  });

  it('is the time now() reads in a routing condition: the time the node finished', async () => {
    const routed = workflowFrom(`
osop_version: "1.0"
id: deadline
name: Deadline
nodes:
  - { id: check, type: api, name: Check }
  - { id: early, type: cli, name: Early }
  - { id: late, type: cli, name: Late }
edges:
  - { from: check, to: early, mode: conditional, when: "now() < timestamp('2031-01-01T00:00:00Z')" }
  - { from: check, to: late, mode: conditional, when: "now() >= timestamp('2031-01-01T00:00:00Z')" }
`);
    const at = (iso: string) => () => Date.parse(iso);
    const before = await run(routed, { clock: at('2030-12-31T23:59:59.999Z') });
    const after = await run(routed, { clock: at('2031-01-01T00:00:00.000Z') });
    expect(edges(before.events)).toEqual(['check → early (conditional)']);
    expect(edges(after.events)).toEqual(['check → late (conditional)']);
  });
});

describe('warnings', () => {
  it('go to onWarning when a listener throws, and the run completes', async () => {
    const warnings: string[] = [];
    const emitted = vi.spyOn(process, 'emitWarning');
    const result = await run(chain, {
      onEvent: (event) => {
        if (event.type === 'node.started') throw new Error(`listener broke on ${event.node}`);
      },
      onWarning: (message) => warnings.push(message),
    });
    expect(result.status).toBe('COMPLETED');
    expect(warnings).toEqual([
      'onEvent listener threw: listener broke on fetch',
      'onEvent listener threw: listener broke on publish',
    ]);
    expect(emitted).not.toHaveBeenCalled();
    emitted.mockRestore();
  });
});

describe('the record writer', () => {
  it('gets the redacted .osoplog record, and where it kept it is the final event`s osoplog and the result`s path', async () => {
    const kept: OsoplogRecord[] = [];
    const result = await run(chain, {
      runId: 'run-kept',
      secrets: { API_KEY: 'sk_live_do_not_keep' },
      executors: scripted({ fetch: () => ({ outputs: { echoed: 'key sk_live_do_not_keep' } }) }),
      writeRecord: async (record) => {
        kept.push(record);
        return `memory://${record.run_id}`;
      },
    });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ run_id: 'run-kept', status: 'COMPLETED' });
    expect(JSON.stringify(kept[0])).not.toContain('sk_live_do_not_keep');
    expect(JSON.stringify(kept[0])).toContain('[secret API_KEY]');
    expect(result.osoplogPath).toBe('memory://run-kept');
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', osoplog: 'memory://run-kept' });
  });

  it('without one, no record is built and the final event names none', async () => {
    const result = await run(chain);
    expect(result.osoplogPath).toBeUndefined();
    expect(result.events.at(-1)).not.toHaveProperty('osoplog');
  });
});

describe('the run services in the machine input', () => {
  it('show an inspector no secret and no executor: the init event carries the input without them', async () => {
    const inspected: unknown[] = [];
    await run(chain, {
      secrets: { API_KEY: 'sk_live_not_for_inspectors' },
      inspect: (event) => inspected.push(event),
    });
    const init = inspected.find(
      (event) =>
        (event as { type?: string; event?: { type?: string } }).type === '@xstate.event' &&
        (event as { event?: { type?: string } }).event?.type === 'xstate.init',
    ) as { event: { input: Record<string, unknown> } } | undefined;
    expect(init?.event.input).toMatchObject({ inputs: {} });
    expect(init?.event.input).toHaveProperty('services');
    expect(JSON.stringify(init?.event.input)).not.toContain('sk_live_not_for_inspectors');
    expect(Object.keys(init?.event.input.services ?? {})).toEqual([]);
  });
});
