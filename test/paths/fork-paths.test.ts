import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import { runPath } from '../../src/paths/run-model.ts';

const workflowOf = (yaml: string) => {
  const loaded = loadWorkflowText(yaml, 'fork.osop.yaml');
  if (!loaded.workflow) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.workflow;
};

const twoStarts = workflowOf(`
osop_version: "1.0"
id: two-starts
name: Two start nodes
nodes:
  - { id: quick, type: system, name: Quick }
  - { id: slow, type: system, name: Slow }
  - { id: after_slow, type: system, name: After slow }
edges:
  - { from: slow, to: after_slow }
`);

const sequentialFork = workflowOf(`
osop_version: "1.0"
id: sequential-fork
name: Two sequential edges out of one node
nodes:
  - { id: start, type: system, name: Start }
  - { id: quick, type: system, name: Quick }
  - { id: slow, type: system, name: Slow }
  - { id: after_slow, type: system, name: After slow }
edges:
  - { from: start, to: quick }
  - { from: start, to: slow }
  - { from: slow, to: after_slow }
`);

describe('paths through forks whose branches end at leaves', () => {
  for (const workflow of [twoStarts, sequentialFork]) {
    it(`runs every branch on every completed path (${workflow.id})`, async () => {
      const { paths } = enumeratePaths(workflow);
      const completedPaths = paths.filter((path) => path.status === 'COMPLETED');
      expect(completedPaths.length).toBeGreaterThan(0);
      for (const path of completedPaths) {
        expect(path.steps.map((step) => step.node)).toEqual(expect.arrayContaining(['quick', 'slow', 'after_slow']));
        expect((await runPath(workflow, path)).passed).toBe(true);
      }
    });
  }
});
