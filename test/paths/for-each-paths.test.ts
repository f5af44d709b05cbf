// A for_each body runs again per item without a cycle in the graph: the path walk must still tell its visits apart.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { testPaths } from '../../src/paths/test-paths.ts';

const FILE = resolve(import.meta.dirname, '../fixtures/release-train.osop.yaml');

describe('paths through a for_each body', () => {
  it('numbers a body node by its visits, whichever item first reached it, so every path replays', async () => {
    const { workflow } = loadWorkflowText(readFileSync(FILE, 'utf8'), FILE);
    const report = await testPaths(workflow!);
    const twice = report.enumeration.paths.find(
      (path) => path.steps.filter((step) => step.node === 'announce').length === 2,
    );
    expect(twice?.steps.filter((step) => step.node === 'announce').map((step) => step.visit)).toEqual([1, 2]);
    expect(report.checks.filter((check) => !check.passed).map((check) => [check.path.id, check.problems])).toEqual([]);
  });
});
