// Paths as a person reads them in a terminal: node [outcome] ─mode→ next node, then the final status.
import type { PathEnumeration, PathStep, WorkflowPath } from './path.ts';

function stepLine(step: PathStep): string {
  const visit = step.visit > 1 ? ` #${step.visit}` : '';
  const outcome =
    step.outcome.kind === 'done' ? step.outcome.label : `${step.outcome.label}: ${step.outcome.error.message}`;
  const moves = step.edges.map((edge) => `─${edge.mode}→ ${edge.to}`);
  if (step.final) moves.push(`→ ${step.final}`);
  if (moves.length === 0) moves.push('(branch ends)');
  return `  ${step.node}${visit} [${outcome}] ${moves.join(', ')}`;
}

function formatPath(path: WorkflowPath): string {
  const why = path.error && path.status !== 'COMPLETED' ? `: ${path.error}` : '';
  const inputs = path.inputsLabel ? ` (inputs: ${path.inputsLabel})` : '';
  return [`Path ${path.id} — ${path.status}${why}${inputs}`, ...path.steps.map(stepLine)].join('\n');
}

function enumerationHeadline(result: PathEnumeration): string {
  const count = `${result.paths.length} path${result.paths.length === 1 ? '' : 's'}`;
  const byStatus = ['COMPLETED', 'FAILED', 'TIMEOUT']
    .map((status) => [status, result.paths.filter((path) => path.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return `${result.workflowId}: ${count}${byStatus ? ` (${byStatus})` : ''}, ${result.statesExplored} states explored`;
}

export function formatEnumeration(result: PathEnumeration): string {
  const blocks = [enumerationHeadline(result), ...result.paths.map(formatPath)];
  if (result.stoppedBecause) blocks.push(`${result.complete ? 'note' : 'incomplete'}: ${result.stoppedBecause}`);
  return blocks.join('\n\n');
}
