// The benchmark's synthetic workflows are real OSOP documents: they load, compile and have the size asked for.
import { describe, expect, it } from 'vitest';
import { generateBranchingWorkflow, generateWorkflow, SHAPES } from '../../bench/compile/generate.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';

const load = (text: string) => {
  const { workflow, diagnostics } = loadWorkflowText(text, 'generated.osop.json');
  expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return workflow!;
};

describe('generated workflows', () => {
  for (const shape of SHAPES) {
    for (const size of [10, 37]) {
      it(`a ${shape} of ${size} nodes loads with exactly ${size} nodes and compiles`, () => {
        const workflow = load(generateWorkflow(shape, size));
        expect(workflow.nodes).toHaveLength(size);
        expect(() => compileWorkflow(workflow)).not.toThrow();
      });
    }
  }

  it('diamonds and fan-outs really fork: their machines hold parallel states', () => {
    for (const shape of ['diamonds', 'fan-out'] as const) {
      const machine = compileWorkflow(load(generateWorkflow(shape, 10)));
      expect(JSON.stringify(machine.definition)).toContain('"type":"parallel"');
    }
  });

  it('a branching graph doubles its paths with every two-way choice, until the path bound stops it', () => {
    const small = enumeratePaths(load(generateBranchingWorkflow(6)));
    const larger = enumeratePaths(load(generateBranchingWorkflow(9)));
    expect(small.complete && larger.complete).toBe(true);
    expect(larger.paths.length).toBeGreaterThan(small.paths.length);
    const bounded = enumeratePaths(load(generateBranchingWorkflow(50)), { max: 20 });
    expect(bounded.complete).toBe(false);
    expect(bounded.paths).toHaveLength(20);
    expect(bounded.stoppedBecause).toMatch(/stopped after 20 paths/);
  });
});
