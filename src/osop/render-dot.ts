// Workflow graph → Graphviz DOT text.
import { workflowGraph, type GraphEdge } from './render-graph.ts';
import { isDataEdge, type Workflow } from './workflow.ts';

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const SHAPES: Record<string, string> = { agent: 'ellipse', human: 'hexagon' };

function edgeAttributes(edge: GraphEdge): string {
  const attributes = [
    edge.label ? `label=${quote(edge.label)}` : undefined,
    edge.failure ? 'style=dashed, color=firebrick' : undefined,
    edge.mode === 'parallel' ? 'style=bold' : undefined,
    isDataEdge(edge) ? 'style=dotted, color=gray40' : undefined,
  ];
  const present = attributes.filter(Boolean);
  return present.length > 0 ? ` [${present.join(', ')}]` : '';
}

export function renderDot(workflow: Workflow): string {
  const graph = workflowGraph(workflow);
  const lines = [
    `digraph ${quote(graph.id)} {`,
    `  label=${quote(graph.name)};`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded];',
  ];
  for (const node of graph.nodes) {
    const shape = SHAPES[node.type] ? `, shape=${SHAPES[node.type]}` : '';
    const start = node.start ? ', penwidth=2' : '';
    lines.push(`  ${quote(node.id)} [label=${quote(`${node.name}\n(${node.type})`)}${shape}${start}];`);
  }
  for (const edge of graph.edges) lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${edgeAttributes(edge)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
