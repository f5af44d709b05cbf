// Why no path takes an edge: what `sopstate test` says next to each edge it could not exercise.
import { conditionShape, outputProducers } from './cel-atoms.ts';
import type { PathEnumeration } from './path.ts';
import { keepsOutputsOnFailure } from '../osop/failed-outputs.ts';
import type { Workflow, WorkflowEdge } from '../osop/workflow.ts';

const FAILURE_MODES = new Set(['error', 'timeout', 'fallback']);

const quoted = (edge: WorkflowEdge) => (edge.when ? `"${edge.when.source}"` : undefined);

/** Outputs of `node` a condition reads, as `node.field`. */
function outputsRead(workflow: Workflow, edge: WorkflowEdge, node: string): string[] {
  if (!edge.when) return [];
  const names = {
    nodes: new Set(workflow.nodes.map((entry) => entry.id)),
    producers: outputProducers(workflow.nodes),
    sourceNode: edge.from,
    sourceOutputs: new Set(
      workflow.nodes.find((entry) => entry.id === edge.from)?.outputs.map((output) => output.name),
    ),
  };
  const refs = conditionShape(edge.when.source, names).refs;
  return [
    ...new Set(
      refs.flatMap((ref) => (ref.kind === 'output' && ref.node === node ? [[node, ...ref.path].join('.')] : [])),
    ),
  ];
}

function failureReason(workflow: Workflow, edge: WorkflowEdge, reaching: number): string {
  // Error edges are tried in file order, before timeout and fallback edges: one without a condition takes every failure.
  const catchAll = workflow.edges.find(
    (other) =>
      other.from === edge.from &&
      other.mode === 'error' &&
      !other.when &&
      other.index !== edge.index &&
      (edge.mode !== 'error' || other.index < edge.index),
  );
  if (catchAll)
    return `the error edge ${catchAll.from} → ${catchAll.to} has no condition and takes every failure of ${edge.from} first`;
  const read = outputsRead(workflow, edge, edge.from);
  const type = workflow.nodes.find((node) => node.id === edge.from)?.type;
  if (edge.mode === 'error' && read.length > 0 && !keepsOutputsOnFailure(type))
    return (
      `its condition ${quoted(edge)} reads ${read.join(', ')}, outputs a failed ${type} node does not have ` +
      '(only api and cli nodes keep theirs): no run can make it hold'
    );
  if (edge.mode === 'error' && edge.when)
    return `no simulated failure of ${edge.from} on the ${reaching} path(s) reaching it makes ${quoted(edge)} hold`;
  return `no failure of ${edge.from} on the ${reaching} path(s) reaching it leads along it`;
}

export function whyNotTaken(workflow: Workflow, edge: WorkflowEdge, enumeration: PathEnumeration): string {
  const stopped = enumeration.complete ? '' : ` (the enumeration stopped early: ${enumeration.stoppedBecause})`;
  const listed = enumeration.paths.find((path) =>
    path.steps.some((step) => step.edges.some((taken) => taken.index === edge.index)),
  );
  if (listed) return `path ${listed.id} takes it, but its run did not (it left its path or was not driven: see above)`;
  const reaching = enumeration.paths.filter((path) => path.steps.some((step) => step.node === edge.from)).length;
  if (reaching === 0) return `no path reaches ${edge.from}${stopped}`;
  if (FAILURE_MODES.has(edge.mode)) return failureReason(workflow, edge, reaching) + stopped;
  if (edge.when)
    return `no outcome of ${edge.from} on the ${reaching} path(s) reaching it makes ${quoted(edge)} hold${stopped}`;
  return `a condition out of ${edge.from} holds on every one of the ${reaching} path(s) reaching it${stopped}`;
}
