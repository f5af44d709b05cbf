// Which part of a run's state a graph walk must tell apart: whatever routing can still read, nothing volatile.
import type { AnyMachineSnapshot } from 'xstate';
import { edgeExpressions } from './edge-expressions.ts';
import type { RunContext } from '../machine/context.ts';
import { nodeStateOf, outputsOf } from '../machine/per-node.ts';
import { forEachBodies } from '../machine/for-each-body.ts';
import type { Workflow } from '../osop/workflow.ts';

/**
 * Nodes that can be entered again (they sit on a cycle), so their entry counters matter: the members of strongly
 * connected components with more than one node, and nodes with an edge to themselves (Tarjan's algorithm, without
 * recursion, so a 10,000-node chain needs neither a deep stack nor a walk from every node).
 */
function cycleNodes(workflow: Workflow): Set<string> {
  const next = new Map<string, string[]>();
  const onCycle = new Set<string>();
  for (const edge of workflow.edges) {
    const targets = [
      edge.to,
      ...(edge.cases ?? []).map((entry) => entry.to),
      ...(edge.defaultTo ? [edge.defaultTo] : []),
    ];
    if (targets.includes(edge.from)) onCycle.add(edge.from);
    const known = next.get(edge.from);
    if (known) known.push(...targets);
    else next.set(edge.from, targets);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  for (const root of next.keys()) {
    if (index.has(root)) continue;
    const frames: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, index.size);
    low.set(root, index.get(root)!);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const targets = next.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!index.has(target)) {
          index.set(target, index.size);
          low.set(target, index.get(target)!);
          stack.push(target);
          onStack.add(target);
          frames.push({ node: target, next: 0 });
        } else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1) for (const id of component) onCycle.add(id);
    }
  }
  return new Set(workflow.nodes.map((node) => node.id).filter((id) => onCycle.has(id)));
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
  const allNodes = workflow.nodes.map((node) => node.id);
  return (snapshot) => {
    const context = snapshot.context as RunContext;
    const pick = <T>(ids: string[], of: (id: string) => T) => ids.map((id) => of(id));
    const state = (id: string) => nodeStateOf(context, id);
    return JSON.stringify([
      snapshot.status,
      snapshot.value,
      pick(counted, (id) => state(id)?.entries ?? state(id)?.visits),
      pick(bodyNodes, (id) => state(id)?.visits),
      pick(outputsRead, (id) => outputsOf(context, id)),
      readsNodeState ? pick(allNodes, (id) => [id, state(id)?.status, state(id)?.error]) : [],
      context.joins,
      context.loops,
    ]);
  };
}
