// Which output fields a node can produce, when that set is closed: what a reference to `node.field` is checked against.
import type { WorkflowNode } from './workflow.ts';

/** Outputs every node of a type produces whatever it declares. */
const BUILT_IN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  api: ['data', 'status', 'headers'],
  agent: ['text'],
  cli: ['stdout', 'stderr', 'exit_code'],
  human: ['decision', 'comment', 'data', 'approved'],
};

/** A human's answer carries the form's own fields next to the built-in ones, so any name may be there. */
const OPEN_TYPES = new Set(['human']);

/** The fields `node` can produce, or undefined when any field may be there (it declares no outputs, or is open). */
export function knownOutputFields(node: Pick<WorkflowNode, 'type' | 'outputs'>): string[] | undefined {
  if (node.outputs.length === 0 || OPEN_TYPES.has(node.type)) return undefined;
  return [...new Set([...node.outputs.map((output) => output.name), ...(BUILT_IN_OUTPUTS[node.type] ?? [])])];
}

/** Node id → its closed set of output fields, for the nodes that have one. */
export function outputFieldsByNode(
  nodes: Iterable<Pick<WorkflowNode, 'id' | 'type' | 'outputs'>>,
): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const node of nodes) {
    const known = knownOutputFields(node);
    if (known && !fields.has(node.id)) fields.set(node.id, known);
  }
  return fields;
}
