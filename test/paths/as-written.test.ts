// Issue 17, paths: coverage names each edge no path drives and why; data-only edges are not control flow to cover.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import { pathSummary } from '../../src/paths/path.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import { REPO_ROOT } from '../fixtures/corpus-paths.ts';

const textOf = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/semantics', `${name}.osop.yaml`), 'utf8');
const workflowOf = (text: string, name = 'fixture'): Workflow => {
  const loaded = loadWorkflowText(text, `${name}.osop.yaml`);
  if (!loaded.workflow) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.workflow;
};

describe('edge coverage', () => {
  it('names the error edge that reads a failed agent node’s outputs, and why no path takes it', async () => {
    const report = await testPaths(workflowOf(textOf('coverage-gap')));
    expect(report.passed).toBe(true);
    expect(report.coverage).toMatchObject({ exercised: 1, total: 2, percent: 50 });
    expect(report.coverage.undriven).toEqual([
      {
        edge: 'validate ─error→ report_invalid',
        why: 'its condition "validation_result.success == false" reads validate.validation_result.success, outputs a failed agent node does not have (only api and cli nodes keep theirs): no run can make it hold',
      },
    ]);
  });

  it('drives each error edge that reads a failed cli node’s outputs, and names one no failure can satisfy', async () => {
    const report = await testPaths(workflowOf(textOf('error-edge-outputs')));
    expect(report.passed).toBe(true);
    expect(report.coverage).toMatchObject({ exercised: 4, total: 4, percent: 100, undriven: [] });
    const contradiction = textOf('error-edge-outputs').replace(
      'when: validation_result.success == false',
      'when: validation_result.success == false && validation_result.success == true',
    );
    const gap = await testPaths(workflowOf(contradiction));
    expect(gap.coverage.undriven).toEqual([
      {
        edge: 'validate ─error→ repair',
        why: 'no simulated failure of validate on the 6 path(s) reaching it makes "validation_result.success == false && validation_result.success == true" hold',
      },
    ]);
  });

  it('says when an error edge without a condition takes every failure first', async () => {
    const text = textOf('coverage-gap').replace(
      '  - from: validate\n    to: publish\n',
      '  - from: validate\n    to: publish\n  - from: validate\n    to: publish\n    mode: error\n',
    );
    const report = await testPaths(workflowOf(text));
    expect(report.coverage.undriven.map((entry) => entry.why)).toEqual([
      'the error edge validate → publish has no condition and takes every failure of validate first',
    ]);
  });

  it('drives the otherwise branch and both conditions', async () => {
    const report = await testPaths(workflowOf(textOf('otherwise-branch')));
    expect(report.passed).toBe(true);
    expect(report.coverage).toMatchObject({ exercised: 3, total: 3, percent: 100, undriven: [] });
  });
});

describe('dataflow and message edges', () => {
  const text = textOf('data-only-edges');
  const control = text
    .split('  - from: ')
    .filter((edge) => !/mode: (dataflow|message)/.test(edge))
    .join('  - from: ');

  it('are not counted in coverage, and the paths are those of the control edges alone', async () => {
    const workflow = workflowOf(text);
    const report = await testPaths(workflow);
    expect(report.coverage).toMatchObject({ exercised: 3, total: 3, percent: 100, dataOnly: 3 });
    const summaries = (paths: ReturnType<typeof enumeratePaths>['paths']) => paths.map(pathSummary);
    expect(control).not.toMatch(/mode: (dataflow|message)/);
    expect(summaries(enumeratePaths(workflow).paths)).toEqual(summaries(enumeratePaths(workflowOf(control)).paths));
  });
});
