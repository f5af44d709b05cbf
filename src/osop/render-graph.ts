// The drawable view of a workflow shared by every render format: nodes, and edges with their labels.
import type { EdgeMode, Workflow } from './workflow.ts';

export interface GraphNode {
  id: string;
  name: string;
  type: string;
  start: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  mode: EdgeMode;
  /** Mode (unless sequential), condition, switch case or author label, ready to print. */
  label: string;
  failure: boolean;
}

export interface WorkflowGraph {
  id: string;
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const FAILURE_MODES: EdgeMode[] = ['fallback', 'error', 'timeout'];

function labelOf(parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => Boolean(part)).join(': ');
}

export function workflowGraph(workflow: Workflow): WorkflowGraph {
  const nodes = workflow.nodes.map((node) => ({
    id: node.id,
    name: node.name,
    type: node.type,
    start: workflow.start.includes(node.id),
  }));
  const edges = workflow.edges.flatMap((edge): GraphEdge[] => {
    const failure = FAILURE_MODES.includes(edge.mode);
    const mode = edge.mode === 'sequential' ? undefined : edge.mode;
    const condition =
      edge.when?.source ??
      (edge.otherwise ? 'otherwise' : edge.forEach ? `for_each ${edge.forEach.source}` : undefined);
    if (edge.mode === 'switch' && (edge.cases?.length || edge.defaultTo)) {
      const cases = (edge.cases ?? []).map((entry) => ({
        from: edge.from,
        to: entry.to,
        mode: edge.mode,
        failure,
        label: labelOf(['switch', `${condition ?? ''} = ${JSON.stringify(entry.value)}`]),
      }));
      const fallback = edge.defaultTo
        ? [{ from: edge.from, to: edge.defaultTo, mode: edge.mode, failure, label: 'switch: default' }]
        : [];
      return [...cases, ...fallback];
    }
    return [{ from: edge.from, to: edge.to, mode: edge.mode, failure, label: labelOf([mode, condition, edge.label]) }];
  });
  return { id: workflow.id, name: workflow.name, nodes, edges };
}
