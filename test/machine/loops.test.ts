// `loop` edges repeat while their condition holds, bounded (issue 12 point 4, issue 13 bounds).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunEvent } from '../../src/events/run-event.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { schemaValidator } from '../../src/osop/schema-verdict.ts';
import { run, scripted, workflowFrom } from './helpers.ts';
import { osoplogWriter } from '../../src/store/osoplog-files.ts';

const batch = (bound = '') => `
osop_version: "1.0"
id: batch
name: Batch
nodes:
  - { id: fetch, type: system, name: Fetch a page, outputs: [more_items] }
  - { id: done, type: system, name: Done }
edges:
  - { from: fetch, to: fetch, mode: loop, when: "fetch.more_items == true"${bound} }
  - { from: fetch, to: done }
`;

/** `fetch` answers more_items: true until it has been called `pages` times. */
const pagesOf = (pages: number) => {
  let calls = 0;
  return scripted({ fetch: () => ({ outputs: { more_items: ++calls < pages } }) });
};

const visitsOf = (events: { type: string; node?: string }[], node: string) =>
  events.filter((event) => event.type === 'node.started' && event.node === node).length;

describe('loop edges', () => {
  it('repeat while the condition holds: a 50-visit loop completes', async () => {
    const result = await run(workflowFrom(batch()), { executors: pagesOf(50) });
    expect(result.status).toBe('COMPLETED');
    expect(visitsOf(result.events, 'fetch')).toBe(50);
    expect(visitsOf(result.events, 'done')).toBe(1);
  });

  it('warn at load when they set no bound, and not when they do', () => {
    const unbounded = loadWorkflowText(batch(), 'batch.osop.yaml');
    expect(unbounded.diagnostics.filter((d) => d.code === 'unbounded-loop')).toMatchObject([
      {
        severity: 'warning',
        line:
          batch()
            .split('\n')
            .findIndex((line) => line.includes('mode: loop')) + 1,
      },
    ]);
    const bounded = loadWorkflowText(batch(', max_iterations: 5'), 'batch.osop.yaml');
    expect(bounded.diagnostics.filter((d) => d.code === 'unbounded-loop')).toEqual([]);
    expect(bounded.workflow?.nodes.find((node) => node.id === 'fetch')?.maxIterations).toBe(5);
  });

  it('stop at max_iterations with a clear reason', async () => {
    const result = await run(workflowFrom(batch(', max_iterations: 5')), { executors: pagesOf(50) });
    expect(result.status).toBe('FAILED');
    expect(visitsOf(result.events, 'fetch')).toBe(5);
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: { code: 'cycle_limit', message: expect.stringContaining('max_iterations 5') },
    });
  });

  it('a loop that never ends fails at the default bound of 1000', async () => {
    // RunResult keeps the latest 1,000 events; a caller that needs all of them collects them as they come.
    const events: RunEvent[] = [];
    const onEvent = (event: RunEvent) => void events.push(event);
    const result = await run(workflowFrom(batch()), { executors: pagesOf(Infinity), onEvent });
    expect(result.status).toBe('FAILED');
    expect(visitsOf(events, 'fetch')).toBe(1000);
    expect(result.events).toHaveLength(1000);
    expect(result.events.at(-1)).toEqual(events.at(-1));
    expect(result.eventCount).toBe(events.length);
    expect(result.events.at(-1)).toMatchObject({
      error: { code: 'cycle_limit', message: expect.stringContaining('max_iterations 1000') },
    });
  });

  it('keeps the small default for cycles made of fallback edges', () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: retrying
name: Retrying
nodes:
  - { id: create, type: system, name: Create }
  - { id: confirm, type: system, name: Confirm }
edges:
  - { from: create, to: confirm }
  - { from: confirm, to: create, mode: fallback }
`);
    expect(workflow.nodes.map((node) => node.maxIterations)).toEqual([3, 3]);
  });

  it('a run has a limit on node visits in all, and fails with a clear reason past it', async () => {
    const endless = workflowFrom(batch(', max_iterations: 100000'));
    const result = await run(endless, { executors: pagesOf(Infinity), maxVisits: 30 });
    expect(result.status).toBe('FAILED');
    expect(visitsOf(result.events, 'fetch')).toBe(30);
    expect(result.events.at(-1)).toMatchObject({
      error: { code: 'visit_limit', message: expect.stringContaining('30 node visits') },
    });
    const withinLimit = await run(endless, { executors: pagesOf(29), maxVisits: 30 });
    expect(withinLimit.status).toBe('COMPLETED');
  });

  it('keeps the persisted state of a long loop bounded: 10,000 visits weigh what 100 do', async () => {
    const endless = workflowFrom(batch(', max_iterations: 20000'));
    const lastSnapshotAfter = async (pages: number) => {
      let last: unknown;
      const result = await run(endless, { executors: pagesOf(pages), onSnapshot: (snapshot) => (last = snapshot) });
      expect(result.status).toBe('COMPLETED');
      return JSON.stringify(last).length;
    };
    const short = await lastSnapshotAfter(100);
    const long = await lastSnapshotAfter(10_000);
    expect(long).toBeLessThan(short * 1.5);
  }, 60_000);

  it('keeps the .osoplog of a long loop bounded: the first and last 50 visits, and how many it left out', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'loops-'));
    const result = await run(workflowFrom(batch(', max_iterations: 20000')), {
      executors: pagesOf(10_000),
      writeRecord: osoplogWriter(logDir),
    });
    expect(result.status).toBe('COMPLETED');
    const text = await readFile(result.osoplogPath!, 'utf8');
    const record = parse(text) as { node_records: { node_id: string; status: string }[] };
    expect(schemaValidator('osoplog')(record)).toBe(true);
    expect(record).toMatchObject({
      omitted_node_records: [{ node_id: 'fetch', omitted: 9_900, kept_first: 50, kept_last: 50 }],
    });
    expect(record.node_records.map((node) => node.node_id)).toEqual([...Array(100).fill('fetch'), 'done']);
    expect(record.node_records.every((node) => node.status === 'COMPLETED')).toBe(true);
  }, 60_000);
});
