// `sopstate test`: enumerate the paths, run each one, and measure which edges the runs exercised.
import type { Workflow } from '../osop/workflow.ts';
import type { PathCheck } from './check-run.ts';
import { edgeCoverage, type EdgeCoverage } from './coverage.ts';
import { enumeratePaths, type EnumerateOptions } from './enumerate.ts';
import type { PathEnumeration, WorkflowPath } from './path.ts';
import { runPath } from './run-model.ts';

export interface PathTestReport {
  enumeration: PathEnumeration;
  checks: PathCheck[];
  coverage: EdgeCoverage;
  /** Every path that was run followed its path. */
  passed: boolean;
}

/** Runs one path; the model level replays outcomes with stubs, other levels bring their own runner. */
export type PathRunner = (workflow: Workflow, path: WorkflowPath) => Promise<PathCheck | undefined>;

export interface TestPathsOptions extends EnumerateOptions {
  runner?: PathRunner;
  /** Called as each path finishes (undefined check: the runner skipped it). */
  onPath?: (path: WorkflowPath, check: PathCheck | undefined) => void;
}

export const modelRunner: PathRunner = (workflow, path) => runPath(workflow, path);

export async function testPaths(workflow: Workflow, options: TestPathsOptions = {}): Promise<PathTestReport> {
  const enumeration = enumeratePaths(workflow, options);
  const runner = options.runner ?? modelRunner;
  const checks: PathCheck[] = [];
  for (const path of enumeration.paths) {
    const check = await runner(workflow, path);
    if (check) checks.push(check);
    options.onPath?.(path, check);
  }
  const coverage = edgeCoverage(
    workflow,
    checks.flatMap((check) => check.edges),
    enumeration,
  );
  return { enumeration, checks, coverage, passed: checks.every((check) => check.passed) };
}
