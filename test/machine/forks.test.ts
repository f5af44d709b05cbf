import { describe, expect, it, vi } from 'vitest';
import type { NodeExecution } from '../../src/adapters/executor.ts';
import { startRun } from '../../src/machine/runner.ts';
import {
  completed,
  edges,
  fail,
  run,
  scripted,
  scriptedAwaitingHumans,
  skipped,
  started,
  workflowFrom,
} from './helpers.ts';

const research = (join = '', third = '') =>
  workflowFrom(`
osop_version: "1.0"
id: research
name: Research
nodes:
  - { id: question, type: human, name: Question }
  - { id: web, type: agent, name: Web }
  - { id: code, type: agent, name: Code }
  - { id: papers, type: agent, name: Papers }
  - { id: synthesize, type: agent, name: Synthesize }
edges:
  - { from: question, to: web, mode: parallel }
  - { from: question, to: code, mode: parallel }
  - { from: question, to: papers, mode: parallel }
  - { from: web, to: synthesize ${join} }
  - { from: code, to: synthesize }
  - { from: papers, to: synthesize ${third} }
`);

/** Runs research(join) until its three branches are running; each branch finishes when the test says so. */
async function branchesRunning(join = '') {
  const finishers = new Map<string, () => void>();
  const executed: string[] = [];
  const wait = ({ node, signal }: NodeExecution) =>
    new Promise<{ outputs: Record<string, unknown> }>((resolve, reject) => {
      executed.push(node.id);
      finishers.set(node.id, () => resolve({ outputs: { by: node.id } }));
      signal.addEventListener('abort', () => reject(signal.reason));
    });
  const arrive = ({ node }: NodeExecution) => (executed.push(node.id), { outputs: {} });
  const done = run(research(join), {
    executors: scripted({ web: wait, code: wait, papers: wait, synthesize: arrive }),
  });
  while (executed.length < 3) await new Promise((resolve) => setTimeout(resolve, 1));
  return { started: executed, done, finish: (branch: string) => finishers.get(branch)!() };
}

const aMoment = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('parallel forks', () => {
  it('runs every branch and joins with wait_all by default', async () => {
    const result = await run(research());
    expect(edges(result.events).slice(0, 3)).toEqual([
      'question → web (parallel)',
      'question → code (parallel)',
      'question → papers (parallel)',
    ]);
    expect(completed(result.events).sort()).toEqual(['code', 'papers', 'question', 'synthesize', 'web']);
    expect(completed(result.events).at(-1)).toBe('synthesize');
    expect(started(result.events).filter((node) => node === 'synthesize')).toHaveLength(1);
  });

  it('wait_all waits for the slowest branch', async () => {
    const branches = await branchesRunning();
    branches.finish('web');
    branches.finish('code');
    await aMoment();
    expect(branches.started).not.toContain('synthesize');
    branches.finish('papers');
    const result = await branches.done;
    expect(completed(result.events)).toEqual(['question', 'web', 'code', 'papers', 'synthesize']);
  });

  it('wait_any continues with the first branch to arrive and stops the others', async () => {
    const branches = await branchesRunning(', join_mode: wait_any');
    branches.finish('code');
    const result = await branches.done;
    expect(completed(result.events)).toEqual(['question', 'code', 'synthesize']);
    expect(skipped(result.events).sort()).toEqual(['papers', 'web']);
    expect(result.status).toBe('COMPLETED');
  });

  it('wait_n continues once join_count branches arrived', async () => {
    const branches = await branchesRunning(', join_mode: wait_n, join_count: 2');
    branches.finish('papers');
    await aMoment();
    expect(branches.started).not.toContain('synthesize');
    branches.finish('web');
    const result = await branches.done;
    expect(completed(result.events)).toEqual(['question', 'papers', 'web', 'synthesize']);
    expect(skipped(result.events)).toEqual(['code']);
  });

  it('does not let a branch that ended before the join block it', async () => {
    const result = await run(research('', ', mode: conditional, when: "papers.found == true"'), {
      executors: scripted({ papers: () => ({ outputs: { found: false } }) }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toContain('synthesize');
    expect(edges(result.events)).not.toContain('papers → synthesize (conditional)');
  });

  it('fails the whole run when a branch fails with nowhere to go', async () => {
    const result = await run(research(), {
      executors: scripted({
        web: () => {
          throw Object.assign(new Error('search engine down'), { code: 'down' });
        },
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', error: { message: 'search engine down' } });
    expect(skipped(result.events)).toContain('synthesize');
  });
});

describe('nested and escaping branches', () => {
  it('joins a fork inside a branch before the outer join', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: release
name: Release
nodes:
  - { id: tag, type: git, name: Tag }
  - { id: build, type: cli, name: Build }
  - { id: unit, type: cli, name: Unit tests }
  - { id: e2e, type: cli, name: E2E tests }
  - { id: tested, type: system, name: Tests done }
  - { id: docs, type: agent, name: Docs }
  - { id: publish, type: api, name: Publish }
edges:
  - { from: tag, to: build, mode: parallel }
  - { from: tag, to: docs, mode: parallel }
  - { from: build, to: unit, mode: parallel }
  - { from: build, to: e2e, mode: parallel }
  - { from: unit, to: tested }
  - { from: e2e, to: tested }
  - { from: tested, to: publish }
  - { from: docs, to: publish }
`);
    const result = await run(workflow);
    expect(result.status).toBe('COMPLETED');
    const order = completed(result.events);
    expect(order.indexOf('tested')).toBeGreaterThan(Math.max(order.indexOf('unit'), order.indexOf('e2e')));
    expect(order.at(-1)).toBe('publish');
    expect(order.filter((node) => node === 'tested')).toHaveLength(1);
    expect(order.filter((node) => node === 'publish')).toHaveLength(1);
  });

  it('abandons the other branches when one falls back to a node before the fork', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: retry-all
name: Retry all
nodes:
  - { id: prepare, type: agent, name: Prepare, max_iterations: 2 }
  - { id: left, type: api, name: Left }
  - { id: right, type: api, name: Right }
  - { id: join, type: agent, name: Join }
edges:
  - { from: prepare, to: left, mode: parallel }
  - { from: prepare, to: right, mode: parallel }
  - { from: left, to: join }
  - { from: right, to: join }
  - { from: left, to: prepare, mode: fallback }
`);
    let lefts = 0;
    const result = await run(workflow, {
      executors: scripted({
        left: () => (++lefts === 1 ? fail('flaky', { code: 'bad_request', status: 400 }) : { outputs: {} }),
        right: ({ signal }) =>
          new Promise((resolve) => setTimeout(() => resolve({ outputs: {} }), signal.aborted ? 0 : 5)),
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(edges(result.events)).toContain('left → prepare (fallback)');
    expect(started(result.events).filter((node) => node === 'prepare')).toHaveLength(2);
    expect(completed(result.events).at(-1)).toBe('join');
  });

  it('starts every entry node of a workflow with several in parallel', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: two-sources
name: Two sources
nodes:
  - { id: crm, type: api, name: CRM }
  - { id: billing, type: api, name: Billing }
  - { id: merge, type: data, name: Merge }
edges:
  - { from: crm, to: merge }
  - { from: billing, to: merge }
`);
    const result = await run(workflow);
    expect(completed(result.events)).toEqual(['crm', 'billing', 'merge']);
  });

  it('joins a fork whose branch list is too long to spell out in state ids, and resumes it from a snapshot', async () => {
    const branches = Array.from({ length: 60 }, (_, index) => `fetch_customer_segment_${index}`);
    const workflow = workflowFrom(`
osop_version: "1.0"
id: wide
name: Wide
nodes:
  - { id: start, type: api, name: Start }
${branches.map((id) => `  - { id: ${id}, type: api, name: ${id} }`).join('\n')}
  - { id: human_merge, type: human, name: Merge }
edges:
${branches.flatMap((id) => [`  - { from: start, to: ${id}, mode: parallel }`, `  - { from: ${id}, to: human_merge }`]).join('\n')}
`);
    const snapshots: unknown[] = [];
    const first = startRun({
      workflow,
      executors: scriptedAwaitingHumans(),
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    await vi.waitFor(() => expect(first.waiting()).toEqual(['human_merge']));
    first.cancel();
    const stopped = await first.done;
    expect(completed(stopped.events)).toEqual(['start', ...branches]);

    const resumed = startRun({
      workflow,
      executors: scripted(),
      snapshot: JSON.parse(JSON.stringify(snapshots.at(-2))),
      lastSeq: stopped.events.findLast((event) => event.type === 'human.waiting')!.seq,
    });
    const result = await resumed.done;
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toEqual(['human_merge']);
  });
});

describe('branches that reach a leaf', () => {
  const forkWorkflow = (head: string, edgesYaml: string) =>
    workflowFrom(`
osop_version: "1.0"
id: fork-leaf
name: Fork with a leaf
nodes:
${head}  - { id: quick, type: system, name: Quick }
  - { id: slow, type: system, name: Slow }
  - { id: after_slow, type: system, name: After slow }
edges:
${edgesYaml}
  - { from: slow, to: after_slow }
`);
  const startNode = '  - { id: start, type: system, name: Start }\n';
  const shapes = {
    'parallel edges': forkWorkflow(
      startNode,
      '  - { from: start, to: quick, mode: parallel }\n  - { from: start, to: slow, mode: parallel }',
    ),
    'two sequential edges': forkWorkflow(startNode, '  - { from: start, to: quick }\n  - { from: start, to: slow }'),
    'two start nodes': forkWorkflow('', ''),
  };
  const slowly = async () => (await new Promise((resolve) => setTimeout(resolve, 40)), { outputs: {} });

  for (const [shape, workflow] of Object.entries(shapes)) {
    it(`ends only the branch, and completes after every branch ended (${shape})`, async () => {
      const result = await run(workflow, { executors: scripted({ slow: slowly, after_slow: slowly }) });
      expect(result.status).toBe('COMPLETED');
      expect(completed(result.events)).toEqual(expect.arrayContaining(['quick', 'slow', 'after_slow']));
      expect(completed(result.events).at(-1)).toBe('after_slow');
      expect(skipped(result.events)).toEqual([]);
    });
  }
});
