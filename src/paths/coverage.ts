// Edge coverage: which of the document's edges at least one run took.
import type { Workflow, WorkflowEdge } from '../osop/workflow.ts';
import type { TakenEdge } from './path.ts';

export interface EdgeCoverage {
  exercised: number;
  total: number;
  /** 0–100, one decimal; 100 for a workflow with no edges. */
  percent: number;
  /** Edges no run took, as `from ─mode→ to`. */
  missing: string[];
}

const describeEdge = (edge: Pick<WorkflowEdge, 'from' | 'to' | 'mode'>): string =>
  `${edge.from} ─${edge.mode}→ ${edge.to}`;

export function edgeCoverage(workflow: Workflow, taken: Iterable<TakenEdge>): EdgeCoverage {
  const hit = new Set<number>();
  for (const edge of taken) if (edge.index >= 0) hit.add(edge.index);
  const total = workflow.edges.length;
  const exercised = workflow.edges.filter((edge) => hit.has(edge.index)).length;
  const percent = total === 0 ? 100 : Math.round((exercised / total) * 1000) / 10;
  return {
    exercised,
    total,
    percent,
    missing: workflow.edges.filter((edge) => !hit.has(edge.index)).map(describeEdge),
  };
}
