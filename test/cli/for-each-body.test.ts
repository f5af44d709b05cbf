// Issue 17 through `sopstate run`: a for_each edge runs its two-node body once per item, then the rejoin node once.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectValidOsoplog, runCli } from './support/run-cli.ts';

const FOR_EACH = 'test/fixtures/semantics/for-each-body.osop.yaml';
const FOR_EACH_PARALLEL = 'test/fixtures/semantics/for-each-parallel.osop.yaml';
const RECIPIENTS = ['ada', 'grace', 'alan', 'edsger', 'barbara'];

/** What each completed run of `node` printed, in order. */
const printed = (events: RunEvent[], node: string) =>
  events.flatMap((event) => (event.type === 'node.completed' && event.node === node ? [event.outputs.stdout] : []));

describe('sopstate run: a for_each body of two nodes', () => {
  it('runs render and send_email once per recipient, each with its item, then report once', async () => {
    const { code, events, logDir } = await runCli(FOR_EACH, { json: true });
    expect(code).toBe(0);
    expect(printed(events, 'render')).toEqual(RECIPIENTS.map((name, index) => `rendered ${name} ${index}`));
    expect(printed(events, 'send_email')).toEqual(RECIPIENTS.map((name, index) => `sent ${name} ${index}`));
    expect(printed(events, 'report')).toEqual(['report: all sent']);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<{ node_id: string; status: string }>;
    expect(records.map((record) => record.node_id)).toEqual([
      'load',
      ...RECIPIENTS.flatMap(() => ['render', 'send_email']),
      'report',
    ]);
    expect(records.every((record) => record.status === 'COMPLETED')).toBe(true);
  });

  it('with an empty list goes from load straight to report', async () => {
    const { code, stdout } = await runCli(FOR_EACH, { input: ['recipients=[]'] });
    expect(code).toBe(0);
    expect(stdout).toContain('→ load → report (sequential)');
    expect(stdout).not.toContain('render [cli] started');
  });
});

/** The most body visits running at once, and the first start of item 1 before item 0's last completion. */
function concurrencyOf(events: RunEvent[]) {
  const running = new Set<string>();
  let most = 0;
  for (const event of events) {
    if (event.type === 'node.started') running.add(`${event.node}:${event.visit}`);
    if (event.type === 'node.completed' || event.type === 'node.failed' || event.type === 'node.skipped')
      running.delete(`${event.node}:${'visit' in event ? event.visit : ''}`);
    most = Math.max(most, running.size);
  }
  return most;
}

const completedStdout = (events: RunEvent[], node: string) =>
  events.flatMap((event) => (event.type === 'node.completed' && event.node === node ? [event.outputs.stdout] : []));

describe('sopstate run: a for_each edge with parallel: true and max_concurrency: 2', () => {
  it('runs two items at a time, each body once with its own item, then report once; no warning', async () => {
    const { code, stderr, events, logDir } = await runCli(FOR_EACH_PARALLEL, { json: true });
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/ignored|one after another/);
    expect(concurrencyOf(events)).toBe(2);
    expect([...completedStdout(events, 'render')].sort()).toEqual(
      RECIPIENTS.map((name, index) => `rendered ${name} ${index}`).sort(),
    );
    expect([...completedStdout(events, 'send_email')].sort()).toEqual(
      RECIPIENTS.map((name, index) => `sent ${name} ${index}`).sort(),
    );
    // Items overlap: the second item's render starts before the first item's send_email completed.
    const startedAt = (node: string, text: string) =>
      events.findIndex(
        (event) => event.type === 'node.completed' && event.node === node && event.outputs.stdout === text,
      );
    const secondStarted = events.findIndex(
      (event) => event.type === 'node.started' && event.node === 'render' && event.visit === 2,
    );
    expect(secondStarted).toBeLessThan(startedAt('send_email', 'sent ada 0'));
    // report runs once, after every item's send_email completed.
    const reportStarted = events.findIndex((event) => event.type === 'node.started' && event.node === 'report');
    const lastSent = events.findLastIndex((event) => event.type === 'node.completed' && event.node === 'send_email');
    expect(events.filter((event) => event.type === 'node.started' && event.node === 'report')).toHaveLength(1);
    expect(reportStarted).toBeGreaterThan(lastSent);
    // Each visit is numbered on its own: five visits of each body node.
    const visits = events.flatMap((event) =>
      event.type === 'node.started' && event.node === 'send_email' ? [event.visit] : [],
    );
    expect([...visits].sort()).toEqual([1, 2, 3, 4, 5]);
    const log = await expectValidOsoplog(logDir);
    expect((log.node_records as unknown[]).length).toBe(12);
  });

  it('written with parallel: false, warns that max_concurrency is ignored and runs the items one after another', async () => {
    const { readFile: read, writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'for-each-seq-'));
    const file = join(dir, 'seq.osop.yaml');
    await writeFile(file, (await read(FOR_EACH_PARALLEL, 'utf8')).replace(', parallel: true,', ', parallel: false,'));
    const { code, stdout, stderr } = await runCli(file, {});
    expect(stderr).toMatch(
      /seq\.osop\.yaml:19:\d+: warning: max_concurrency is ignored: parallel: false runs the items/,
    );
    expect(code).toBe(0);
    const commands = stdout.split('\n').flatMap((line) => (/ echo (rendered|sent) /.test(line) ? [line.trim()] : []));
    expect(commands.map((line) => line.split(' ').slice(-2).join(' '))).toEqual(
      RECIPIENTS.flatMap((name, index) => [`${name} ${index}`, `${name} ${index}`]),
    );
  });

  it('an item that fails with nowhere to go fails the run and stops the item still running', async () => {
    const { code, events, logDir } = await runCli(FOR_EACH_PARALLEL, {
      json: true,
      input: ['recipients=["ada","bounce","alan","edsger"]'],
    });
    expect(code).not.toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', status: 'FAILED' });
    expect(events.filter((event) => event.type === 'node.failed').map((event) => event.node)).toEqual(['render']);
    // ada's render was running when bounce failed: it is reported stopped, and no later item starts.
    expect(events).toContainEqual(expect.objectContaining({ type: 'node.skipped', node: 'render' }));
    const rendered = events.filter((event) => event.type === 'node.started' && event.node === 'render');
    expect(rendered).toHaveLength(2);
    expect(events.some((event) => event.type === 'node.started' && event.node === 'report')).toBe(false);
    expect(events.some((event) => event.type === 'node.completed' && event.node === 'send_email')).toBe(false);
    await expectValidOsoplog(logDir);
  });
});
