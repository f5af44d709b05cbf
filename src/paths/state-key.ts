// Which part of a run's state a graph walk must tell apart: whatever routing can still read, nothing volatile.
import type { AnyMachineSnapshot } from 'xstate';
import { edgeExpressions } from './edge-expressions.ts';
import type { RunContext } from '../machine/context.ts';
import { forEachBodies } from '../machine/for-each-body.ts';
import type { Workflow } from '../osop/workflow.ts';

/** Nodes that can be entered again (they sit on a cycle), so their entry counters matter. */
function cycleNodes(workflow: Workflow): Set<string> {
  const next = new Map<string, string[]>();
  for (const edge of workflow.edges) {
    const targets = [
      edge.to,
      ...(edge.cases ?? []).map((entry) => entry.to),
      ...(edge.defaultTo ? [edge.defaultTo] : []),
    ];
    next.set(edge.from, [...(next.get(edge.from) ?? []), ...targets]);
  }
  const reaches = (from: string, goal: string): boolean => {
    const seen = new Set<string>();
    const stack = [...(next.get(from) ?? [])];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === goal) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...(next.get(node) ?? []));
    }
    return false;
  };
  return new Set(workflow.nodes.map((node) => node.id).filter((id) => reaches(id, id)));
}

/** Nodes whose outputs a condition on another node's edge reads: their outputs outlive their own routing. */
function readLater(workflow: Workflow): Set<string> {
  const read = new Set<string>();
  for (const { edge, shape } of edgeExpressions(workflow)) {
    for (const ref of shape.refs) if (ref.kind === 'output' && ref.node !== edge.from) read.add(ref.node);
  }
  return read;
}

const NODE_FUNCTIONS = /\b(status|error_of|duration_of)\s*\(/;

export function stateKey(workflow: Workflow): (snapshot: AnyMachineSnapshot) => string {
  const counted = [...cycleNodes(workflow)];
  // A for_each body runs again per item without a cycle in the graph; its entries restart each item, its visits do not.
  const bodyNodes = [...forEachBodies(workflow).byNode.keys()];
  const outputsRead = [...readLater(workflow)];
  const readsNodeState = workflow.edges.some((edge) => edge.when && NODE_FUNCTIONS.test(edge.when.source));
  return (snapshot) => {
    const context = snapshot.context as RunContext;
    const pick = <T>(ids: string[], of: (id: string) => T) => ids.map((id) => of(id));
    return JSON.stringify([
      snapshot.status,
      snapshot.value,
      pick(counted, (id) => context.nodes?.[id]?.entries ?? context.nodes?.[id]?.visits),
      pick(bodyNodes, (id) => context.nodes?.[id]?.visits),
      pick(outputsRead, (id) => context.outputs?.[id]),
      readsNodeState ? Object.entries(context.nodes ?? {}).map(([id, node]) => [id, node.status, node.error]) : [],
      context.joins,
      context.loops,
    ]);
  };
}
