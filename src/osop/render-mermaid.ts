// Workflow graph → Mermaid flowchart text.
import { workflowGraph, type GraphEdge, type GraphNode } from './render-graph.ts';
import { isDataEdge, type Workflow } from './workflow.ts';

/** Mermaid labels are quoted; quotes and markup characters become entity codes. */
function text(value: string): string {
  return value.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}

function shape(node: GraphNode): string {
  const label = `"${text(node.name)}<br/><i>${text(node.type)}</i>"`;
  if (node.type === 'agent') return `([${label}])`;
  if (node.type === 'human') return `{{${label}}}`;
  return `[${label}]`;
}

function arrow(edge: GraphEdge): string {
  if (edge.failure || isDataEdge(edge)) return '-.->';
  return edge.mode === 'parallel' ? '==>' : '-->';
}

export function renderMermaid(workflow: Workflow): string {
  const graph = workflowGraph(workflow);
  const ids = new Map(graph.nodes.map((node, index) => [node.id, `n${index}`]));
  const lines = ['flowchart TD', `  %% ${text(graph.id)}: ${text(graph.name)}`];
  for (const node of graph.nodes) lines.push(`  ${ids.get(node.id)}${shape(node)}`);
  for (const edge of graph.edges) {
    const label = edge.label ? `|"${text(edge.label)}"|` : '';
    lines.push(`  ${ids.get(edge.from)} ${arrow(edge)}${label} ${ids.get(edge.to)}`);
  }
  const starts = graph.nodes.filter((node) => node.start).map((node) => ids.get(node.id));
  if (starts.length > 0) lines.push('  classDef start stroke-width:3px', `  class ${starts.join(',')} start`);
  return `${lines.join('\n')}\n`;
}
