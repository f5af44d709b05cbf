// A compact way to write small workflows in tests, compiled with the real CEL compiler.
import { compileExpression } from '../../src/osop/expression.ts';
import { outputProducers } from '../../src/paths/cel-atoms.ts';
import type { EdgeMode, Workflow, WorkflowEdge, WorkflowNode } from '../../src/osop/workflow.ts';

export interface EdgeSketch {
  from: string;
  to: string;
  mode?: EdgeMode;
  when?: string;
}

const position = { file: 'test.osop.yaml', line: 1, col: 1 };

export function buildWorkflow(
  nodes: Array<string | (Partial<WorkflowNode> & { id: string })>,
  edges: EdgeSketch[],
): Workflow {
  const fullNodes: WorkflowNode[] = nodes.map((entry) => ({
    type: 'api',
    name: typeof entry === 'string' ? entry : entry.id,
    runtime: {},
    outputs: [],
    maxIterations: 3,
    position,
    ...(typeof entry === 'string' ? { id: entry } : entry),
  }));
  const nodeIds = fullNodes.map((node) => node.id);
  const producers = outputProducers(fullNodes);
  const fullEdges: WorkflowEdge[] = edges.map((edge, index) => {
    const compiled = edge.when
      ? compileExpression(edge.when, position, { nodeIds, sourceNode: edge.from, producers })
      : undefined;
    if (compiled?.error) throw new Error(`${edge.when}: ${compiled.error.message}`);
    return {
      index,
      from: edge.from,
      to: edge.to,
      mode: edge.mode ?? 'sequential',
      when: compiled?.expression,
      position,
    };
  });
  const targets = new Set(
    fullEdges.filter((edge) => !['fallback', 'error', 'timeout'].includes(edge.mode)).map((edge) => edge.to),
  );
  const start = nodeIds.filter((id) => !targets.has(id));
  return {
    file: 'test.osop.yaml',
    osopVersion: '1.0',
    id: 'test',
    name: 'test',
    tags: [],
    inputs: [],
    secrets: [],
    nodes: fullNodes,
    edges: fullEdges,
    start: start.length ? start : nodeIds.slice(0, 1),
  };
}
