// Issue 20 "Bounded state everywhere": a workflow past FLAT_MAX_NODES keeps its outputs in chunks, and a template or
// condition read them by node id through one flat view of them all. Every node's run built that view again (its
// templates' values, the dry run's sample check and each routing decision asked for it, whether they read one output
// or none), so a run of N nodes copied N² outputs: a 4,000-node chain's dry run took 2.1 s in-process, 1.1 s once
// they were read only when used. Now a template or condition reads the node it names, and the view is built only for
// what reads every output (an agent's prompt, the `outputs` namespace, the run's result).
import { describe, expect, it, vi } from 'vitest';
import type { Executor } from '../../src/adapters/executor.ts';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { FLAT_MAX_NODES } from '../../src/machine/per-node.ts';
import { startRun } from '../../src/machine/runner.ts';
import { planDryRun } from '../../src/paths/dry-run-plan.ts';
import { workflowOf } from './helpers.ts';

const flatViews = vi.hoisted(() => ({ built: 0 }));

// Counts the flat views of a run's outputs asked for (each one copies every node's outputs).
vi.mock('../../src/machine/per-node.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/machine/per-node.ts')>();
  return {
    ...actual,
    allOutputs: (...args: Parameters<typeof actual.allOutputs>) => {
      flatViews.built += 1;
      return actual.allOutputs(...args);
    },
  };
});

const SIZE = FLAT_MAX_NODES + 100;
const ids = Array.from({ length: SIZE }, (_, index) => `n${index + 1}`);
const LAST = ids.at(-1)!;

/** n1 → … → n{SIZE}, api nodes; each one's URL reads the `value` of the node before it. */
const bigChain = workflowOf(
  'big-chain',
  ids.map((id, index) => ({
    id,
    type: 'api',
    runtime: {
      method: 'GET',
      url: index === 0 ? 'https://example.com/x' : `https://example.com/\${${ids[index - 1]}.value}`,
    },
  })),
  ids.slice(1).map((to, index) => ({ from: ids[index], to })),
);

describe('the outputs of a big workflow', () => {
  it('are not gathered for a node whose template reads one: it reads that one', async () => {
    const urls = new Map<string, unknown>();
    const api: Executor = async ({ node, runtime }) => {
      urls.set(node.id, runtime.url);
      return { outputs: { value: Number(node.id.slice(1)) } };
    };
    flatViews.built = 0;
    const result = await startRun({ workflow: bigChain, executors: { api }, keepEvents: 0 }).done;
    expect(result.status).toBe('COMPLETED');
    expect(urls.get('n1')).toBe('https://example.com/x');
    expect(urls.get('n2')).toBe('https://example.com/1');
    expect(urls.get(LAST)).toBe(`https://example.com/${SIZE - 1}`);
    expect(urls.size).toBe(SIZE);
    // The run's result (every output): not one per node.
    expect(flatViews.built).toBeLessThanOrEqual(1);
  });

  it('are not gathered for each condition: a condition reads the node it names', async () => {
    // Every edge is conditional on the node it leaves: N conditions, each evaluated once.
    const conditional = workflowOf(
      'conditional-chain',
      ids.map((id) => ({ id, type: 'api', runtime: { method: 'GET', url: 'https://example.com/x' } })),
      ids.slice(1).map((to, index) => ({
        from: ids[index],
        to,
        mode: 'conditional',
        when: `${ids[index]}.value == ${index + 1}`,
      })),
    );
    const api: Executor = async ({ node }) => ({ outputs: { value: Number(node.id.slice(1)) } });
    flatViews.built = 0;
    const result = await startRun({ workflow: conditional, executors: { api }, keepEvents: 0 }).done;
    expect(result.status).toBe('COMPLETED');
    expect(Object.keys(result.outputs)).toHaveLength(SIZE);
    expect(flatViews.built).toBeLessThanOrEqual(2);
  });

  it('are not gathered for each node of a dry run', async () => {
    const plan = planDryRun(bigChain);
    flatViews.built = 0;
    const result = await startRun({
      workflow: bigChain,
      dryRun: true,
      executors: createLocalExecutors({ dryRun: true, dryRunExecutor: plan.executor }),
      inputs: plan.inputs,
      keepEvents: 0,
    }).done;
    expect(result.status).toBe('COMPLETED');
    expect(Object.keys(result.outputs)).toHaveLength(SIZE);
    expect(flatViews.built).toBeLessThanOrEqual(2);
  });
});
