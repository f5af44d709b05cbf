// What a path through a workflow is: the nodes it runs, how each ends, the edges that follow, and the final status.
import type { EdgeMode } from '../osop/workflow.ts';
import type { Outcome } from './outcomes.ts';

export type FinalStatus = 'COMPLETED' | 'FAILED' | 'TIMEOUT';

export interface TakenEdge {
  /** Index in the document's `edges` list. */
  index: number;
  from: string;
  to: string;
  mode: EdgeMode;
}

export interface PathStep {
  node: string;
  /** Which entry into the node this is, from 1. */
  visit: number;
  outcome: Outcome;
  /** Edges followed after this outcome (several for a fork; none when a branch or the run ends here). */
  edges: TakenEdge[];
  /** Set when this step ends the run. */
  final?: FinalStatus;
}

export interface WorkflowPath {
  /** 1-based, in enumeration order. */
  id: number;
  steps: PathStep[];
  status: FinalStatus;
  /** The workflow inputs this path runs with. */
  inputs: Record<string, unknown>;
  /** How those inputs differ from the defaults (e.g. `amount = 1001`), when they do. */
  inputsLabel?: string;
  /** Why the run failed, as the machine records it (e.g. "cycle limit reached at create_intent"). */
  error?: string;
}

export interface PathEnumeration {
  workflowId: string;
  paths: WorkflowPath[];
  /** False when a bound stopped the enumeration early. */
  complete: boolean;
  /** Why it stopped early, for the user. */
  stoppedBecause?: string;
  /** The default inputs (a path may run with others: see WorkflowPath.inputs). */
  inputs: Record<string, unknown>;
  /** Distinct machine states visited while enumerating. */
  statesExplored: number;
}

/** A one-line summary: `create_customer → create_intent → … → COMPLETED`. */
export function pathSummary(path: WorkflowPath): string {
  const nodes = path.steps.map((step) => (step.outcome.kind === 'error' ? `${step.node} ✗` : step.node));
  const inputs = path.inputsLabel ? ` [inputs: ${path.inputsLabel}]` : '';
  return [...nodes, path.status].join(' → ') + inputs;
}
