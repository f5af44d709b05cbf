// Issue 17 through `sopstate run`: an event edge's target waits for its event (--event, or a timeout).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectValidOsoplog, runCli } from './support/run-cli.ts';

const EVENT_WAIT = 'test/fixtures/semantics/event-wait.osop.yaml';
const PAID = 'payment.received={"amount":42,"carrier":"ups"}';

const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);

const outputOf = (events: RunEvent[], node: string) =>
  of(events, 'node.completed').find((event) => event.node === node)?.outputs.stdout;

describe('sopstate run: event edges', () => {
  it('runs the waiting node with the event given by --event, and times out the one no event comes for', async () => {
    const { code, events, logDir } = await runCli(EVENT_WAIT, {
      json: true,
      // The first payment does not pass the edge's `when` (amount > 0): it is not the one ship takes.
      event: ['payment.received={"amount":0,"carrier":"dhl"}', PAID],
    });
    expect(code).toBe(0);
    expect(of(events, 'event.waiting').map(({ node, names, timeoutMs }) => ({ node, names, timeoutMs }))).toEqual([
      { node: 'ship', names: ['payment.received'], timeoutMs: 60_000 },
      { node: 'confirm_delivery', names: ['delivery.confirmed'], timeoutMs: 1000 },
    ]);
    expect(of(events, 'event.received')).toMatchObject([
      { node: 'ship', name: 'payment.received', data: { amount: 42, carrier: 'ups' } },
    ]);
    expect(outputOf(events, 'ship')).toBe('shipping 42 via ups');
    const timedOut = of(events, 'node.failed').find((event) => event.node === 'confirm_delivery');
    expect(timedOut?.error).toMatchObject({ code: 'event_timeout' });
    expect(timedOut?.error.message).toContain('waited 1s for event delivery.confirmed');
    expect(of(events, 'edge.taken').at(-1)).toMatchObject({
      from: 'confirm_delivery',
      to: 'flag_late',
      mode: 'timeout',
    });
    expect(outputOf(events, 'flag_late')).toBe('no delivery confirmation in time');
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'confirm_delivery')).toMatchObject({ status: 'FAILED' });
  }, 20_000);

  it('prints the wait and the event, and the node reads ${event.data...}', async () => {
    const { code, stdout, logDir } = await runCli(EVENT_WAIT, {
      event: [PAID, 'delivery.confirmed={"signed_by":"ann"}'],
    });
    expect(code).toBe(0);
    expect(stdout).toContain('⏸ ship is waiting for event payment.received (times out after 1m)');
    expect(stdout).toContain('⚡ ship received event payment.received {"amount":42,"carrier":"ups"}');
    expect(stdout).toContain('⚡ confirm_delivery received event delivery.confirmed {"signed_by":"ann"}');
    expect(stdout).toContain('signed by ann');
    expect(stdout).toContain('○ flag_late skipped');
    await expectValidOsoplog(logDir);
  }, 20_000);

  it('refuses an --event no edge waits for, naming the events there are', async () => {
    const { code, stderr } = await runCli(EVENT_WAIT, { event: ['payment.recieved={}'] });
    expect(code).toBe(2);
    expect(stderr).toContain('--event payment.recieved: no event edge of');
    expect(stderr).toContain('did you mean payment.received?');
  });

  it('cancels, saying what to pass, a run that would wait forever for an event nobody gave', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'event-forever-'));
    const file = join(dir, 'forever.osop.yaml');
    await writeFile(
      file,
      [
        'osop_version: "1.0"',
        'id: forever',
        'name: Waits with no timeout',
        'nodes:',
        '  - { id: ask, type: cli, runtime: { command: "echo asked" } }',
        '  - { id: answer, type: cli, runtime: { command: "echo answered" } }',
        'edges:',
        '  - { from: ask, to: answer, mode: event }',
      ].join('\n'),
    );
    const waiting = await runCli(file, {});
    expect(waiting.code).toBe(1);
    expect(waiting.stderr).toContain(
      'answer waits for event answer, which no --event gives, and has no timeout: pass --event answer=<json>',
    );
    expect(waiting.stdout).toContain('CANCELLED');
    const given = await runCli(file, { event: ['answer'] });
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('⚡ answer received event answer');
  });

  it('lets the conditions out of the node that received the event read it as `event`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'event-condition-'));
    const file = join(dir, 'sized.osop.yaml');
    await writeFile(
      file,
      [
        'osop_version: "1.0"',
        'id: sized',
        'name: Route by the event',
        'nodes:',
        '  - { id: open, type: cli, runtime: { command: "echo open" } }',
        '  - { id: take_order, type: cli, runtime: { command: "echo took it" } }',
        '  - { id: bulk, type: cli, runtime: { command: "echo bulk" } }',
        '  - { id: single, type: cli, runtime: { command: "echo single" } }',
        'edges:',
        '  - { from: open, to: take_order, mode: event, x-event: order }',
        '  - { from: take_order, to: bulk, mode: conditional, when: "event.data.qty > 10" }',
        '  - { from: take_order, to: single, mode: conditional, when: otherwise }',
      ].join('\n'),
    );
    const big = await runCli(file, { json: true, event: ['order={"qty":20}'] });
    expect(big.code).toBe(0);
    expect(outputOf(big.events, 'bulk')).toBe('bulk');
    expect(of(big.events, 'node.skipped').map((event) => event.node)).toEqual(['single']);
    const small = await runCli(file, { json: true, event: ['order={"qty":2}'] });
    expect(outputOf(small.events, 'single')).toBe('single');
  });

  it('does not wait in a dry run', async () => {
    const { code, events } = await runCli(EVENT_WAIT, { json: true, dryRun: true });
    expect(code).toBe(0);
    expect(of(events, 'event.received')).toMatchObject([
      { node: 'ship', simulated: true, data: null },
      { node: 'confirm_delivery', simulated: true, data: null },
    ]);
  });
});

const SPAWN = 'test/fixtures/semantics/spawn-branch.osop.yaml';

describe('sopstate run: spawn edges', () => {
  it('does not wait for a spawned branch, lets one fail alone, and joins the one that reaches the join', async () => {
    const { code, events, logDir } = await runCli(SPAWN, { json: true });
    expect(code).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    // audit failed with nowhere to go: only its branch ended.
    expect(of(events, 'node.failed').map((event) => event.node)).toEqual(['audit']);
    // warm_cache reaches finish: finish waited for it.
    const seen = events.map((event) => `${event.type} ${'node' in event ? event.node : ''}`);
    expect(seen.indexOf('node.completed warm_cache')).toBeLessThan(seen.indexOf('node.started finish'));
    expect(outputOf(events, 'finish')).toBe('done');
    // notify (sleep 30) was still running: stopped and SKIPPED, with why.
    expect(of(events, 'node.skipped')).toEqual([
      expect.objectContaining({
        node: 'notify',
        reason: 'spawned by start; stopped when the branches the run waits for went on without it',
      }),
    ]);
    expect(outputOf(events, 'notify')).toBeUndefined();
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'audit')).toMatchObject({ status: 'FAILED' });
    expect(records.find((record) => record.node_id === 'notify')).toMatchObject({ status: 'SKIPPED' });
  }, 20_000);

  it('warns that spawn_count is recorded, not enforced', async () => {
    const { stderr } = await runCli(SPAWN, {});
    expect(stderr).toContain('warning: spawn_count 1 is recorded, not enforced: the spawned branch runs once');
  }, 20_000);
});
