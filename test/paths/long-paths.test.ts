// Issue 20 (paths): a path thousands of steps long is walked without the call stack, and the state bound stops a
// workflow too big to explore with the enumerator's own words instead of a crash.
import { describe, expect, it } from 'vitest';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import { buildWorkflow } from './build-workflow.ts';

describe('enumeratePaths on long paths', () => {
  it('lists a loop that runs 3,000 times round as a path of 6,000 steps, and stops at the kept-steps bound', () => {
    const workflow = buildWorkflow(
      [
        { id: 'ask', maxIterations: 3000 },
        { id: 'answer', maxIterations: 3000 },
      ],
      [
        { from: 'ask', to: 'answer' },
        { from: 'answer', to: 'ask' },
      ],
    );
    const result = enumeratePaths(workflow, { max: 100_000 });
    expect(result.complete).toBe(false);
    expect(result.stoppedBecause).toMatch(/stopped after \d+ paths \(\d+ steps, the most paths keeps is \d+\)/);
    const longest = Math.max(...result.paths.map((path) => path.steps.length));
    expect(longest).toBeGreaterThanOrEqual(6_000);
    expect(result.paths.find((path) => path.steps.length === longest)?.error).toMatch(/cycle limit/);
  });

  // Past the 500 nodes paths used to refuse; the bench times the 1,000-node chain.
  it('lists every path of a 600-node chain: one per node that fails, and the one that completes', () => {
    const ids = Array.from({ length: 600 }, (_, index) => `n${index}`);
    const workflow = buildWorkflow(
      ids,
      ids.slice(1).map((to, index) => ({ from: ids[index], to })),
    );
    const result = enumeratePaths(workflow, { max: 2000 });
    expect(result.complete).toBe(true);
    expect(result.paths).toHaveLength(601);
    const completed = result.paths.filter((path) => path.status === 'COMPLETED');
    expect(completed).toHaveLength(1);
    expect(completed[0].steps.map((step) => step.node)).toEqual(ids);
    expect(completed[0].steps.at(-2)?.edges).toEqual([{ index: 598, from: 'n598', to: 'n599', mode: 'sequential' }]);
  });

  it('stops a 5,000-node chain at the state bound, saying why', () => {
    const ids = Array.from({ length: 5000 }, (_, index) => `n${index}`);
    const workflow = buildWorkflow(
      ids,
      ids.slice(1).map((to, index) => ({ from: ids[index], to })),
    );
    const result = enumeratePaths(workflow);
    expect(result).toMatchObject({ complete: false, paths: [] });
    expect(result.stoppedBecause).toMatch(/more than 400 distinct states to explore: with 5000 nodes/);
  });

  it('answers at once that a fork of 2,000 branches is wider than it explores', () => {
    const branches = Array.from({ length: 2000 }, (_, index) => `b${index}`);
    const workflow = buildWorkflow(
      ['root', ...branches, 'join'],
      branches.flatMap((branch) => [
        { from: 'root', to: branch, mode: 'parallel' as const },
        { from: branch, to: 'join' },
      ]),
    );
    const result = enumeratePaths(workflow);
    expect(result).toMatchObject({ complete: false, paths: [], statesExplored: 0 });
    expect(result.stoppedBecause).toBe(
      'root forks into 2000 parallel branches; paths explores forks of at most 100 branches ' +
        '(split the workflow, or test the branches on their own)',
    );
  });

  it('stops on a 10,000-node chain with a message that says why, not a stack overflow', () => {
    const ids = Array.from({ length: 10_000 }, (_, index) => `n${index}`);
    const workflow = buildWorkflow(
      ids,
      ids.slice(1).map((to, index) => ({ from: ids[index], to })),
    );
    const result = enumeratePaths(workflow);
    expect(result.complete).toBe(false);
    expect(result.stoppedBecause).toMatch(/10000 nodes/);
  });
});
