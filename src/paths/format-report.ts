// `sopstate test` output: one line per path, what differed under a failing one, then edge coverage.
import type { PathCheck } from './check-run.ts';
import type { EdgeCoverage } from './coverage.ts';
import { pathSummary, type WorkflowPath } from './path.ts';
import type { PathTestReport } from './test-paths.ts';

export interface Undriven {
  path: WorkflowPath;
  reason: string;
}

/** A path that ends FAILED/TIMEOUT on purpose passes when the run fails the same way: say so, and why it fails. */
export function formatCheck(check: PathCheck): string {
  const expectsFailure = check.path.status !== 'COMPLETED';
  const mark = check.passed ? (expectsFailure ? '✓ expected failure,' : '✓') : '✗';
  const line = `${mark} path ${check.path.id}: ${pathSummary(check.path)}`;
  const why = expectsFailure
    ? [`    fails by design: ${check.path.error ?? `the path ends ${check.path.status}`}`]
    : [];
  const how = check.drivenBy ? [`    driven by: ${check.drivenBy}`] : [];
  return [line, ...why, ...how, ...check.problems.map((problem) => `    ${problem}`)].join('\n');
}

function formatCoverage(coverage: EdgeCoverage): string {
  const dataOnly =
    coverage.dataOnly > 0
      ? ` (${coverage.dataOnly} data-only edge${coverage.dataOnly === 1 ? '' : 's'} not counted)`
      : '';
  const line = `edge coverage: ${coverage.exercised}/${coverage.total} (${coverage.percent}%)${dataOnly}`;
  return [line, ...coverage.undriven.map(({ edge, why }) => `  not exercised: ${edge} — ${why}`)].join('\n');
}

/** The verdict of `--min-coverage`: undefined when the coverage reaches it. */
export function coverageShortfall(coverage: EdgeCoverage, minimum: number): string | undefined {
  if (coverage.percent >= minimum) return undefined;
  const count = coverage.undriven.length;
  return `edge coverage ${coverage.percent}% is below --min-coverage ${minimum}%: ${count} edge${count === 1 ? '' : 's'} not exercised (listed above)`;
}

export function formatReport(report: PathTestReport, undriven: Undriven[] = []): string {
  const failed = report.checks.filter((check) => !check.passed).length;
  const lines = [
    ...undriven.map(({ path, reason }) => `- path ${path.id}: ${pathSummary(path)}\n    not driven: ${reason}`),
    formatCoverage(report.coverage),
    `${report.checks.length} path${report.checks.length === 1 ? '' : 's'} run: ${report.checks.length - failed} passed, ${failed} failed` +
      (undriven.length > 0 ? `; ${undriven.length} could not be driven` : ''),
  ];
  if (!report.enumeration.complete && report.enumeration.stoppedBecause)
    lines.push(`incomplete: ${report.enumeration.stoppedBecause}`);
  return lines.join('\n');
}
