// One line in a user's vitest suite: `testWorkflowPaths('payment.osop.yaml')` registers a test per path of the workflow.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../osop/diagnostics.ts';
import { loadWorkflowText } from '../osop/load.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { PathCheck } from './check-run.ts';
import { edgeCoverage } from './coverage.ts';
import { enumeratePaths } from './enumerate.ts';
import { pathSummary } from './path.ts';
import { planDrives } from './sandbox-drive.ts';
import { startSandboxRunner, type SandboxRunner } from './sandbox-runner.ts';
import { modelRunner, type PathRunner } from './test-paths.ts';

export interface WorkflowPathsOptions {
  /** Stop after this many paths (default 1000). */
  max?: number;
  /** Also register a test that the paths' runs exercise at least this share of the edges (0–100). */
  minEdgeCoverage?: number;
  /** Drive each path through the real Stripe/Claude adapters against the emulators; paths that cannot be driven are skipped. */
  sandbox?: boolean;
}

function loadSync(file: string): Workflow {
  const path = resolve(file);
  const { workflow, diagnostics } = loadWorkflowText(readFileSync(path, 'utf8'), path);
  if (!workflow) {
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map(formatDiagnostic);
    throw new Error(`${file} is not a valid OSOP workflow:\n${errors.join('\n')}`);
  }
  return workflow;
}

/** Registers a `describe` for the workflow with one `it` per path (model level: stubbed nodes, the real runner). */
export function testWorkflowPaths(file: string, options: WorkflowPathsOptions = {}): void {
  const workflow = loadSync(file);
  const enumeration = enumeratePaths(workflow, { max: options.max });
  const checks: PathCheck[] = [];
  describe(`${workflow.name} (${file}): every path${options.sandbox ? ' through the emulators' : ''}`, () => {
    let runner: PathRunner = modelRunner;
    if (options.sandbox) {
      let sandbox: SandboxRunner | undefined;
      beforeAll(async () => {
        sandbox = await startSandboxRunner(workflow);
        runner = sandbox.runner;
      });
      afterAll(() => sandbox?.close());
    }
    for (const path of enumeration.paths) {
      it(`path ${path.id}: ${pathSummary(path)}`, async (context) => {
        const check = await runner(workflow, path);
        if (!check) return context.skip(planDrives(workflow, path).reason);
        checks.push(check);
        expect(check.problems, check.problems.join('\n')).toEqual([]);
      });
    }
    if (options.minEdgeCoverage !== undefined) {
      const minimum = options.minEdgeCoverage;
      it(`exercises at least ${minimum}% of the edges`, () => {
        const coverage = edgeCoverage(
          workflow,
          checks.flatMap((check) => check.edges),
          enumeration,
        );
        const undriven = coverage.undriven.map(({ edge, why }) => `${edge}: ${why}`).join('; ');
        expect(coverage.percent, `not exercised: ${undriven}`).toBeGreaterThanOrEqual(minimum);
      });
    }
  });
}
