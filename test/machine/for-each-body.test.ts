// A `for_each` edge runs its whole body once per item, up to where the body rejoins the run (issue 17).
import { describe, expect, it, vi } from 'vitest';
import { startRun } from '../../src/machine/runner.ts';
import { compileWorkflow, CompileError } from '../../src/machine/compile.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { edges, fail, run, scripted, started, workflowFrom, type Script } from './helpers.ts';

const mailing = (extraEdges = '', extraNodes = '') => `
osop_version: "1.0"
id: mailing
name: Mailing
nodes:
  - { id: fetch, type: api, name: Fetch }
  - id: render
    type: api
    runtime: { body: { to: "\${loop.address}", at: "\${loop.index}" } }
  - id: send
    type: api
    runtime: { body: { to: "\${loop.address}", text: "\${render.text}" } }
  - { id: report, type: api }
${extraNodes}
edges:
  - { from: fetch, to: render, mode: loop, for_each: fetch.addresses, iterator_var: address }
  - { from: render, to: send }
  - { from: send, to: report }
  - { from: fetch, to: report }
${extraEdges}
`;

const ADDRESSES = ['a@x.io', 'b@x.io', 'c@x.io'];

/** Records what each node was called with, as `node:to`. */
function recording(extra: Script = {}) {
  const calls: string[] = [];
  const executors = scripted({
    fetch: () => ({ outputs: { addresses: ADDRESSES } }),
    render: ({ runtime }) => {
      const body = runtime.body as { to: string; at: number };
      calls.push(`render:${body.to}:${body.at}`);
      return { outputs: { text: `hello ${body.to}` } };
    },
    send: (execution) => {
      const body = execution.runtime.body as { to: string; text: string };
      calls.push(`send:${body.to}:${body.text}`);
      return extra.send ? extra.send(execution) : { outputs: { sent: body.to } };
    },
    ...Object.fromEntries(Object.entries(extra).filter(([node]) => node !== 'send')),
  });
  return { calls, executors };
}

describe('for_each body', () => {
  it('runs every body node once per item, each with the item, then the rejoin node once', async () => {
    const { calls, executors } = recording();
    const result = await run(workflowFrom(mailing()), { executors });
    expect(result.status).toBe('COMPLETED');
    expect(calls).toEqual([
      'render:a@x.io:0',
      'send:a@x.io:hello a@x.io',
      'render:b@x.io:1',
      'send:b@x.io:hello b@x.io',
      'render:c@x.io:2',
      'send:c@x.io:hello c@x.io',
    ]);
    expect(started(result.events)).toEqual(['fetch', ...Array(3).fill(['render', 'send']).flat(), 'report']);
    expect(edges(result.events)).toEqual([
      'fetch → render (loop)',
      'render → send (sequential)',
      'fetch → render (loop)',
      'render → send (sequential)',
      'fetch → render (loop)',
      'render → send (sequential)',
      'send → report (sequential)',
    ]);
    const visits = result.events.flatMap((event) =>
      event.type === 'node.started' && event.node === 'send' ? [event.visit] : [],
    );
    expect(visits).toEqual([1, 2, 3]);
  });

  it('goes straight to the rejoin node along the source’s other edge when the list is empty', async () => {
    const result = await run(workflowFrom(mailing()), {
      executors: scripted({ fetch: () => ({ outputs: { addresses: [] } }) }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(started(result.events)).toEqual(['fetch', 'report']);
    expect(edges(result.events)).toEqual(['fetch → report (sequential)']);
  });

  it('routes inside the body on the item’s outputs: an item whose condition holds nowhere ends there', async () => {
    const yaml = mailing().replace(
      '  - { from: render, to: send }',
      `  - { from: render, to: send, mode: conditional, when: "render.text != 'hello b@x.io'" }`,
    );
    const { calls, executors } = recording();
    const result = await run(workflowFrom(yaml), { executors });
    expect(result.status).toBe('COMPLETED');
    expect(calls.filter((call) => call.startsWith('send'))).toEqual([
      'send:a@x.io:hello a@x.io',
      'send:c@x.io:hello c@x.io',
    ]);
    expect(started(result.events).filter((node) => node === 'report')).toHaveLength(1);
  });

  it('follows a failure edge inside the item, and goes on with the next item', async () => {
    const { calls, executors } = recording({
      send: ({ runtime }) => {
        if ((runtime.body as { to: string }).to === 'b@x.io') fail('mailbox full');
        return { outputs: {} };
      },
    });
    const yaml = mailing(
      '  - { from: send, to: bounce, mode: fallback }',
      '  - { id: bounce, type: api, runtime: { body: { to: "${loop.address}" } } }',
    );
    const bounced: unknown[] = [];
    const result = await run(workflowFrom(yaml), {
      executors: {
        ...executors,
        '*': async (execution) => {
          if (execution.node.id === 'bounce') bounced.push((execution.runtime.body as { to: string }).to);
          return executors['*'](execution);
        },
      },
    });
    expect(result.status).toBe('COMPLETED');
    expect(bounced).toEqual(['b@x.io']);
    expect(calls.filter((call) => call.startsWith('render'))).toHaveLength(3);
    expect(started(result.events).filter((node) => node === 'report')).toHaveLength(1);
  });

  it('keeps a node the source reaches only by a failure edge inside the body', async () => {
    const yaml = mailing(
      '  - { from: fetch, to: alert, mode: error }\n  - { from: send, to: alert, mode: fallback }',
      '  - { id: alert, type: api, runtime: { body: { to: "${loop.address}" } } }',
    );
    const alerted: unknown[] = [];
    const { calls, executors } = recording({
      send: ({ runtime }) => {
        if ((runtime.body as { to: string }).to === 'b@x.io') fail('mailbox full');
        return { outputs: {} };
      },
      alert: ({ runtime }) => (alerted.push((runtime.body as { to: string }).to), { outputs: {} }),
    });
    const result = await run(workflowFrom(yaml), { executors });
    expect(result.status).toBe('COMPLETED');
    expect(alerted).toEqual(['b@x.io']);
    expect(calls).toContain('render:c@x.io:2');
    expect(started(result.events).filter((node) => node === 'report')).toHaveLength(1);
  });

  it('bounds a loop inside the body by max_iterations within each item', async () => {
    const yaml = mailing('  - { from: send, to: send, mode: loop, when: "send.again == true", max_iterations: 3 }');
    let sends = 0;
    const { executors } = recording({
      send: ({ runtime }) => {
        sends += 1;
        const to = (runtime.body as { to: string }).to;
        return { outputs: { again: to === 'c@x.io' || (to === 'b@x.io' && sends < 4) } };
      },
    });
    const result = await run(workflowFrom(yaml), { executors });
    // a: one send; b: three (two loops round, within the bound); c: loops until its third entry.
    expect(result.status).toBe('FAILED');
    expect(sends).toBe(7);
    expect(result.events.at(-1)).toMatchObject({
      error: {
        code: 'cycle_limit',
        message: expect.stringContaining('cycle limit reached at send (max_iterations 3)'),
      },
    });
  });

  it('fails the run when an item fails with nowhere to go; later items do not run', async () => {
    const { calls, executors } = recording({
      send: ({ runtime }) => {
        if ((runtime.body as { to: string }).to === 'b@x.io') fail('mailbox full');
        return { outputs: {} };
      },
    });
    const result = await run(workflowFrom(mailing()), { executors });
    expect(result.status).toBe('FAILED');
    expect(calls).not.toContain('render:c@x.io:2');
    expect(started(result.events)).not.toContain('report');
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', error: { message: 'mailbox full' } });
  });

  it('without a rejoin, the body is everything reachable from the target and the run ends after the last item', async () => {
    const yaml = mailing().replace('  - { from: fetch, to: report }\n', '');
    const { executors } = recording();
    const result = await run(workflowFrom(yaml), { executors });
    expect(result.status).toBe('COMPLETED');
    expect(started(result.events)).toEqual(['fetch', ...Array(3).fill(['render', 'send', 'report']).flat()]);
  });

  it('keeps only the last item’s outputs: 10,000 items end with one result per body node', async () => {
    const many = Array.from({ length: 10_000 }, (_, index) => `u${index}@x.io`);
    const result = await run(workflowFrom(mailing()), {
      executors: scripted({
        fetch: () => ({ outputs: { addresses: many } }),
        render: ({ runtime }) => ({ outputs: { text: `hello ${(runtime.body as { to: string }).to}` } }),
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs.render).toEqual({ text: 'hello u9999@x.io' });
  }, 60_000);

  it('keeps the persisted state of a loop flat: at item 490 it weighs what it did at item 10', async () => {
    const list = Array.from({ length: 500 }, (_, index) => `u${index}@x.io`);
    const sizes = new Map<number, number>();
    let sends = 0;
    const result = await run(workflowFrom(mailing()), {
      executors: scripted({
        fetch: () => ({ outputs: { addresses: list } }),
        render: ({ runtime }) => ({ outputs: { text: `hello ${(runtime.body as { to: string }).to}` } }),
        send: () => ({ outputs: { sent: ++sends } }),
      }),
      onSnapshot: (snapshot) => {
        if (!sizes.has(sends)) sizes.set(sends, JSON.stringify(snapshot).length);
      },
    });
    expect(result.status).toBe('COMPLETED');
    expect(sizes.get(490)).toBeLessThan(sizes.get(10)! + 100);
  }, 60_000);

  it('resumes a persisted run in the middle of an item: the same item goes on, then the rest', async () => {
    const yaml = mailing().replace('  - id: send\n    type: api', '  - id: send\n    type: human');
    const workflow = workflowFrom(yaml);
    const { calls, executors } = recording();
    delete executors.human;
    const snapshots: unknown[] = [];
    const first = startRun({ workflow, runId: 'r1', executors, onSnapshot: (snapshot) => snapshots.push(snapshot) });
    await vi.waitFor(() => expect(first.waiting()).toEqual(['send']));
    first.signal('send', { decision: 'approved' });
    await vi.waitFor(() => expect(calls).toContain('render:b@x.io:1'));
    await vi.waitFor(() => expect(first.waiting()).toEqual(['send']));
    first.cancel();
    const stopped = await first.done;
    const persisted = JSON.parse(JSON.stringify(snapshots.at(-2)));
    const lastSeq = stopped.events.findLast((event) => event.type === 'node.started')!.seq;

    const resumed = startRun({ workflow, runId: 'r1', executors, snapshot: persisted, lastSeq });
    for (const address of ['b@x.io', 'c@x.io']) {
      await vi.waitFor(() => expect(resumed.waiting()).toEqual(['send']));
      resumed.signal('send', { decision: 'approved' });
      if (address === 'b@x.io') await vi.waitFor(() => expect(calls).toContain('render:c@x.io:2'));
    }
    const result = await resumed.done;
    expect(result.status).toBe('COMPLETED');
    expect(started(result.events)).toEqual(['send', 'render', 'send', 'report']);
    const visits = result.events.flatMap((event) =>
      event.type === 'node.started' && event.node === 'send' ? [event.visit] : [],
    );
    expect(visits).toEqual([2, 3]);
    expect(calls.filter((call) => call.startsWith('render'))).toEqual([
      'render:a@x.io:0',
      'render:b@x.io:1',
      'render:c@x.io:2',
    ]);
  });

  it('refuses nested bodies with a located message', () => {
    const yaml = mailing('  - { from: render, to: send, mode: loop, for_each: "[1, 2]", iterator_var: n }');
    expect(() => compileWorkflow(workflowFrom(yaml))).toThrow(CompileError);
    expect(() => compileWorkflow(workflowFrom(yaml))).toThrow(
      /node send is in the body of two for_each loops.*test\.osop\.yaml:\d+/,
    );
  });

  it('sopstate paths walks a path through the whole body of the fixture', async () => {
    const { workflow } = await loadWorkflowFile('test/fixtures/semantics/for-each-body.osop.yaml');
    const report = await testPaths(workflow!);
    const routes = report.enumeration.paths
      .filter((path) => path.status === 'COMPLETED')
      .map((path) => path.steps.map((step) => step.node).join(' → '));
    expect(routes).toContain('load → render → send_email → report');
    expect(routes).toContain('load → report');
    expect(report.passed).toBe(true);
  });

  it('sopstate paths walks the parallel fixture: every item through the body, report once at the end', async () => {
    const { workflow } = await loadWorkflowFile('test/fixtures/semantics/for-each-parallel.osop.yaml');
    const completed = enumeratePaths(workflow!).paths.filter((path) => path.status === 'COMPLETED');
    const routes = completed.map((path) => path.steps.map((step) => step.node));
    expect(routes.map((route) => route.join(' → '))).toContain('load → report');
    const throughBody = routes.filter((route) => route.includes('render'));
    expect(throughBody.length).toBeGreaterThan(0);
    for (const route of throughBody) {
      // The walk's sample list has several items: each runs the body once.
      const items = route.filter((node) => node === 'render').length;
      expect(items).toBeGreaterThan(1);
      expect(route.filter((node) => node === 'send_email')).toHaveLength(items);
      expect(route.at(-1)).toBe('report');
      expect(route.filter((node) => node === 'report')).toHaveLength(1);
    }
  });
});
