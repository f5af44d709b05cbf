import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import type { WorkflowPath } from '../../src/paths/path.ts';
import { runPath } from '../../src/paths/run-model.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import { buildWorkflow } from './build-workflow.ts';

const SEED = resolve(import.meta.dirname, '../../examples/stripe-payment-seed.osop.yaml');

describe('model-level path tests', () => {
  let seed: Workflow;
  beforeAll(async () => {
    seed = (await loadWorkflowFile(SEED)).workflow!;
  });

  it('runs every seed path through the real runner, and together they take every edge', async () => {
    const report = await testPaths(seed);
    expect(report.checks.map((check) => check.problems).flat()).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.checks).toHaveLength(report.enumeration.paths.length);
    expect(report.coverage).toMatchObject({ exercised: 5, total: 5, percent: 100, missing: [] });
  });

  it('fails a path whose run goes elsewhere, saying where', async () => {
    const { paths } = enumeratePaths(seed);
    const happy = paths[0]!;
    const notSucceeded = paths.find(
      (path) => path.status === 'COMPLETED' && !path.steps.some((step) => step.node === 'send_receipt'),
    )!;
    const check = notSucceeded.steps.find((step) => step.node === 'check_status')!;
    const altered: WorkflowPath = {
      ...happy,
      steps: happy.steps.map((step) => (step.node === 'check_status' ? { ...step, outcome: check.outcome } : step)),
    };
    const result = await runPath(seed, altered);
    expect(result.passed).toBe(false);
    expect(result.problems).toContain('node send_receipt: expected completes; the run did nothing');
    expect(result.problems.some((problem) => problem.startsWith('edges from check_status'))).toBe(true);
  });

  it('lets parallel branches finish in the order the path lists them', async () => {
    const workflow = buildWorkflow(
      ['start', 'left', 'right', 'join'],
      [
        { from: 'start', to: 'left', mode: 'parallel' },
        { from: 'start', to: 'right', mode: 'parallel' },
        { from: 'left', to: 'join' },
        { from: 'right', to: 'join' },
      ],
    );
    const report = await testPaths(workflow);
    expect(
      report.enumeration.paths.some((path) => path.steps.map((step) => step.node).join() === 'start,left,right,join'),
    ).toBe(true);
    expect(report.checks.filter((check) => !check.passed).map((check) => check.problems)).toEqual([]);
    expect(report.coverage.percent).toBe(100);
  });
});
