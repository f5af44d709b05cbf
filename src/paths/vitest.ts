// One line in a user's vitest suite: `testWorkflowPaths('payment.osop.yaml')` registers a test per path of the workflow.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../osop/diagnostics.ts';
import { loadWorkflowText } from '../osop/load.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { PathCheck } from './check-run.ts';
import { edgeCoverage } from './coverage.ts';
import { enumeratePaths } from './enumerate.ts';
import { pathSummary } from './path.ts';
import { runPath } from './run-model.ts';

export interface WorkflowPathsOptions {
  /** Stop after this many paths (default 1000). */
  max?: number;
  /** Also register a test that the paths' runs exercise at least this share of the edges (0–100). */
  minEdgeCoverage?: number;
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
  describe(`${workflow.name} (${file}): every path`, () => {
    for (const path of enumeration.paths) {
      it(`path ${path.id}: ${pathSummary(path)}`, async () => {
        const check = await runPath(workflow, path);
        checks.push(check);
        expect(check.problems, check.problems.join('\n')).toEqual([]);
      });
    }
    if (options.minEdgeCoverage !== undefined) {
      const minimum = options.minEdgeCoverage;
      it(`exercises at least ${minimum}% of the edges`, () => {
        const coverage = edgeCoverage(workflow, checks.flatMap((check) => check.edges));
        expect(coverage.percent, `not exercised: ${coverage.missing.join(', ')}`).toBeGreaterThanOrEqual(minimum);
      });
    }
  });
}
