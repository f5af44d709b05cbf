// Edge coverage: which of the document's control edges at least one run took, and why each other one was not.
import { isDataEdge, type Workflow, type WorkflowEdge } from '../osop/workflow.ts';
import type { PathEnumeration, TakenEdge } from './path.ts';
import { whyNotTaken } from './undriven-edges.ts';

interface UndrivenEdge {
  /** `from ─mode→ to`. */
  edge: string;
  why: string;
}

export interface EdgeCoverage {
  exercised: number;
  /** Control edges: `dataflow` / `message` edges carry no control flow, so no run takes them and none counts. */
  total: number;
  /** 0–100, one decimal; 100 for a workflow with no edges. */
  percent: number;
  /** Edges no run took, as `from ─mode→ to`. */
  missing: string[];
  /** The same edges, each with why no path takes it. */
  undriven: UndrivenEdge[];
  /** Data-only edges, not counted. */
  dataOnly: number;
}

const describeEdge = (edge: Pick<WorkflowEdge, 'from' | 'to' | 'mode'>): string =>
  `${edge.from} ─${edge.mode}→ ${edge.to}`;

/** `enumeration`: the paths the runs followed, which say why an edge was not taken (else "no run took it"). */
export function edgeCoverage(
  workflow: Workflow,
  taken: Iterable<TakenEdge>,
  enumeration?: PathEnumeration,
): EdgeCoverage {
  const hit = new Set<number>();
  for (const edge of taken) if (edge.index >= 0) hit.add(edge.index);
  const control = workflow.edges.filter((edge) => !isDataEdge(edge));
  const total = control.length;
  const exercised = control.filter((edge) => hit.has(edge.index)).length;
  const percent = total === 0 ? 100 : Math.round((exercised / total) * 1000) / 10;
  const missed = control.filter((edge) => !hit.has(edge.index));
  return {
    exercised,
    total,
    percent,
    missing: missed.map(describeEdge),
    undriven: missed.map((edge) => ({
      edge: describeEdge(edge),
      why: enumeration ? whyNotTaken(workflow, edge, enumeration) : 'no run took it',
    })),
    dataOnly: workflow.edges.length - total,
  };
}
