// The expressions on a workflow's edges (conditions, switch values, for_each lists), each with the fields it reads.
import { conditionShape, listShape, outputProducers, switchShape, type ConditionShape } from './cel-atoms.ts';
import type { CompiledExpression, Workflow, WorkflowEdge } from '../osop/workflow.ts';

export interface EdgeExpression {
  expression: CompiledExpression;
  edge: WorkflowEdge;
  shape: ConditionShape;
}

export function edgeExpressions(workflow: Workflow): EdgeExpression[] {
  const nodes = new Set(workflow.nodes.map((node) => node.id));
  const producers = outputProducers(workflow.nodes);
  const declared = new Map(workflow.nodes.map((node) => [node.id, new Set(node.outputs.map((output) => output.name))]));
  return workflow.edges.flatMap((edge): EdgeExpression[] => {
    const names = { nodes, producers, sourceNode: edge.from, sourceOutputs: declared.get(edge.from) };
    const found: EdgeExpression[] = [];
    if (edge.when) {
      const shape =
        edge.mode === 'switch'
          ? switchShape(
              edge.when.source,
              names,
              (edge.cases ?? []).map((entry) => entry.value),
            )
          : conditionShape(edge.when.source, names);
      found.push({ expression: edge.when, edge, shape });
    }
    if (edge.forEach) found.push({ expression: edge.forEach, edge, shape: listShape(edge.forEach.source, names) });
    return found;
  });
}
