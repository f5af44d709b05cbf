// Lookups the planner and router use at every step, built once per Workflow (workflows are not changed after loading).
import type { Workflow, WorkflowEdge, WorkflowNode } from '../osop/workflow.ts';

export interface WorkflowIndex {
  nodes: Map<string, WorkflowNode>;
  /** Each node's position in the document. */
  order: Map<string, number>;
  /** Edges by source node, in document order. */
  edgesFrom: Map<string, WorkflowEdge[]>;
  /** The first edge with a `join_mode`, by the node it leads to. */
  joinEdges: Map<string, WorkflowEdge>;
}

/** A function of the workflow alone, computed once per Workflow object. */
export function perWorkflow<T>(create: (workflow: Workflow) => T): (workflow: Workflow) => T {
  const cache = new WeakMap<Workflow, T>();
  return (workflow) => {
    let value = cache.get(workflow);
    if (value === undefined) {
      value = create(workflow);
      cache.set(workflow, value);
    }
    return value;
  };
}

export const workflowIndex = perWorkflow((workflow): WorkflowIndex => {
  const index: WorkflowIndex = {
    nodes: new Map(),
    order: new Map(),
    edgesFrom: new Map(),
    joinEdges: new Map(),
  };
  workflow.nodes.forEach((node, position) => {
    index.nodes.set(node.id, node);
    index.order.set(node.id, position);
  });
  for (const edge of workflow.edges) {
    const list = index.edgesFrom.get(edge.from);
    if (list) list.push(edge);
    else index.edgesFrom.set(edge.from, [edge]);
    if (edge.joinMode && !index.joinEdges.has(edge.to)) index.joinEdges.set(edge.to, edge);
  }
  return index;
});
