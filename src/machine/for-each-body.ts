// The body of each `for_each` loop edge: the nodes that run once per item, up to where the body rejoins the run.
import { isDataEdge, type Workflow, type WorkflowEdge } from '../osop/workflow.ts';
import { perWorkflow, workflowIndex } from './workflow-index.ts';

export interface ForEachBody {
  /** The `for_each` loop edge: its source is the loop's source, its target the entry of every item. */
  edge: WorkflowEdge;
  /** The nodes an item runs (the entry first). */
  nodes: Set<string>;
  /**
   * Where the run goes on after the loop: every node reachable from the source by its other success edges. An
   * item that reaches one of them (or the source again, or a node with nothing to take) has ended.
   */
  rejoin: Set<string>;
}

export interface ForEachBodies {
  /** By loop edge index. */
  byEdge: Map<number, ForEachBody>;
  /** The body a node belongs to (the first loop edge in the file, when bodies overlap). */
  byNode: Map<string, ForEachBody>;
  /** Nodes in the bodies of two loop edges: nested or overlapping bodies, which the compiler refuses. */
  overlaps: { node: string; edges: [WorkflowEdge, WorkflowEdge] }[];
}

/** Taken only when the source fails: not where the run goes on after a loop that started. */
const isFailureEdge = (edge: WorkflowEdge) => ['error', 'timeout', 'fallback'].includes(edge.mode);

/** Nodes reachable from `entries` along control edges, never entering `stop`. */
function reachable(workflow: Workflow, entries: string[], stop: Set<string>, skip: WorkflowEdge): Set<string> {
  const found = new Set<string>();
  const queue = entries.filter((entry) => !stop.has(entry));
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    if (found.has(node)) continue;
    found.add(node);
    for (const edge of workflowIndex(workflow).edgesFrom.get(node) ?? []) {
      if (edge === skip || isDataEdge(edge)) continue;
      for (const to of [edge.to, ...(edge.cases ?? []).map((entry) => entry.to), edge.defaultTo ?? edge.to])
        if (!stop.has(to) && !found.has(to)) queue.push(to);
    }
  }
  return found;
}

function bodyOf(workflow: Workflow, edge: WorkflowEdge): ForEachBody {
  const source = new Set([edge.from]);
  const others = (workflowIndex(workflow).edgesFrom.get(edge.from) ?? [])
    .filter((other) => other !== edge && !isDataEdge(other) && !isFailureEdge(other))
    .flatMap((other) => [other.to, ...(other.cases ?? []).map((entry) => entry.to), other.defaultTo ?? other.to]);
  const rejoin = reachable(workflow, others, new Set([...source, edge.to]), edge);
  const nodes =
    edge.to === edge.from ? new Set([edge.to]) : reachable(workflow, [edge.to], new Set([...source, ...rejoin]), edge);
  return { edge, nodes, rejoin };
}

export const forEachBodies = perWorkflow((workflow): ForEachBodies => {
  const bodies: ForEachBodies = { byEdge: new Map(), byNode: new Map(), overlaps: [] };
  for (const edge of workflow.edges) {
    if (edge.mode !== 'loop' || !edge.forEach) continue;
    const body = bodyOf(workflow, edge);
    bodies.byEdge.set(edge.index, body);
    for (const node of body.nodes) {
      const known = bodies.byNode.get(node);
      if (known) bodies.overlaps.push({ node, edges: [known.edge, edge] });
      else bodies.byNode.set(node, body);
    }
  }
  return bodies;
});

/** The `for_each` body `node` runs in, if any. */
export const forEachBodyOf = (workflow: Workflow, node: string): ForEachBody | undefined =>
  forEachBodies(workflow).byNode.get(node);
