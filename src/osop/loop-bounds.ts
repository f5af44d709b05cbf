// How often a node may be entered: `max_iterations` as written, else 1000 for targets of `loop` edges (with a
// warning) and the small default for cycles made of failure edges.
import { type NormalizeContext } from './context.ts';
import type { WorkflowEdge, WorkflowNode } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const DEFAULT_LOOP_ITERATIONS = 1000;

/** A `max_iterations` on a loop edge, checked; undefined when absent or invalid (invalid is reported). */
function edgeBound(raw: unknown, index: number, context: NormalizeContext): number | undefined {
  if (!isRecord(raw) || raw.max_iterations === undefined) return undefined;
  const value = raw.max_iterations;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  const path = ['edges', index, 'max_iterations'];
  context.sink.error({ code: 'invalid-max-iterations', path, message: 'max_iterations must be a whole number ≥ 1' });
  return undefined;
}

/** The nodes with the bound of each loop edge's target; `rawNodes`/`rawEdges` say what the document wrote. */
export function applyLoopBounds(
  nodes: WorkflowNode[],
  edges: WorkflowEdge[],
  rawNodes: unknown[],
  rawEdges: unknown[],
  context: NormalizeContext,
): WorkflowNode[] {
  const explicit = new Set(
    rawNodes.flatMap((raw) => (isRecord(raw) && raw.max_iterations !== undefined ? [raw.id] : [])),
  );
  const bounds = new Map<string, number>();
  for (const edge of edges) {
    if (edge.mode !== 'loop') continue;
    const bound = edgeBound(rawEdges[edge.index], edge.index, context);
    if (explicit.has(edge.to)) continue;
    if (bound !== undefined) {
      bounds.set(edge.to, Math.max(bounds.get(edge.to) ?? 0, bound));
      continue;
    }
    if (edge.forEach) continue; // a for_each body's items do not count as entries
    context.sink.warning({
      code: 'unbounded-loop',
      path: ['edges', edge.index],
      message: `loop ${edge.from} → ${edge.to} sets no max_iterations: ${edge.to} may be entered up to ${DEFAULT_LOOP_ITERATIONS} times`,
      suggestion: `set max_iterations on the edge or on node ${edge.to}`,
    });
    bounds.set(edge.to, Math.max(bounds.get(edge.to) ?? 0, DEFAULT_LOOP_ITERATIONS));
  }
  return nodes.map((node) => (bounds.has(node.id) ? { ...node, maxIterations: bounds.get(node.id)! } : node));
}
