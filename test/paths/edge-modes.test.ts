// Paths through switch, for_each loops and conditions on workflow inputs.
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import type { WorkflowPath } from '../../src/paths/path.ts';

const YAML = `
osop_version: "1.0"
id: modes
name: switch, loop and inputs
inputs:
  - name: amount
    type: number
    default: 50
nodes:
  - { id: classify, type: api, outputs: [kind, items] }
  - { id: small, type: api }
  - { id: big, type: api }
  - { id: other, type: api }
  - { id: each, type: api }
  - { id: review, type: human }
  - { id: finish, type: api }
edges:
  - from: classify
    to: other
    mode: switch
    when: classify.kind
    cases: [ { value: small, to: small }, { value: big, to: big } ]
    default_to: other
  - { from: small, to: each, mode: loop, for_each: classify.items, iterator_var: item }
  - { from: big, to: review, mode: conditional, when: "inputs.amount > 1000" }
  - { from: big, to: finish }
  - { from: review, to: finish }
  - { from: each, to: finish }
  - { from: small, to: finish }
`;

const route = (path: WorkflowPath) => path.steps.map((step) => step.node).join(' → ');

describe('paths through switch and for_each', () => {
  it('takes every switch case and the default, and runs the loop body once per item', async () => {
    const workflow = loadWorkflowText(YAML, 'modes.osop.yaml').workflow!;
    const report = await testPaths(workflow);
    const completed = report.enumeration.paths.filter((path) => path.status === 'COMPLETED').map(route);
    expect(completed).toContain('classify → small → finish');
    expect(completed).toContain('classify → small → each → each → finish');
    expect(completed).toContain('classify → big → finish');
    expect(completed).toContain('classify → other');
    expect(report.checks.filter((check) => !check.passed).map((check) => check.problems)).toEqual([]);
  });

  it('walks each input set that routes differently, and runs the path with those inputs', async () => {
    const workflow = loadWorkflowText(YAML, 'modes.osop.yaml').workflow!;
    const report = await testPaths(workflow);
    const reviewed = report.enumeration.paths.find(
      (path) => route(path) === 'classify → big → review → finish' && path.status === 'COMPLETED',
    );
    expect(reviewed?.inputs.amount).toBeGreaterThan(1000);
    expect(reviewed?.inputsLabel).toMatch(/^amount = /);
    const direct = report.enumeration.paths.find(
      (path) => route(path) === 'classify → big → finish' && path.status === 'COMPLETED',
    );
    expect(direct?.inputs.amount).toBe(50);
    const routes = report.enumeration.paths.map(
      (path) => `${route(path)} ${path.status} ${path.steps.map((step) => step.outcome.label).join()}`,
    );
    expect(new Set(routes).size).toBe(routes.length);
    expect(report.coverage.percent).toBe(100);
    expect(report.passed).toBe(true);
  });

  it('explores which branch finishes first when a join waits for any, and re-entered branches keep their visit numbers', async () => {
    const fork = `
osop_version: "1.0"
id: fork
name: fork
nodes:
  - { id: start, type: api }
  - { id: left, type: api }
  - { id: right, type: api }
  - { id: join, type: api }
edges:
  - { from: start, to: left, mode: parallel }
  - { from: start, to: right, mode: parallel }
  - { from: left, to: join, join_mode: wait_any }
  - { from: right, to: join }
  - { from: right, to: start, mode: fallback }
`;
    const workflow = loadWorkflowText(fork, 'fork.osop.yaml').workflow!;
    const report = await testPaths(workflow);
    expect(report.enumeration.paths.map(route)).toContain('start → right → join');
    expect(report.enumeration.paths.map(route)).toContain('start → right → start → left → join');
    expect(report.checks.filter((check) => !check.passed).map((check) => [check.path.id, check.problems])).toEqual([]);
    expect(report.coverage.percent).toBe(100);
  });
});
