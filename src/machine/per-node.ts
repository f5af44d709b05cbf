// The context's per-node records: node states and outputs. Small workflows (and snapshots of older versions) keep
// them flat, by node id. Big ones keep them in chunks, by a hash of the node id, and a node state only once the node
// is entered (absent: pending): a step that copied a record of every node made a run (and `paths`) of N nodes cost N²
// key copies, and a record past ~128 keys copies ten times slower per key; a step now copies one chunk of about √N.
import type { NodeRunState, RunContext } from './context.ts';

type Outputs = Record<string, Record<string, unknown>>;

export interface NodeChunks {
  /** How many chunks; a node's is `chunkOf(id, count)`. */
  count: number;
  nodes: Record<string, Record<string, NodeRunState>>;
  outputs: Record<string, Outputs>;
}

/** What holds the per-node records: `nodes` and `outputs` (flat), or `chunks`. */
export type PerNode = Pick<RunContext, 'nodes' | 'outputs' | 'chunks'>;

/** Up to this many nodes, records stay flat: copying them costs little, and a snapshot reads as it always did. */
export const FLAT_MAX_NODES = 256;

const PENDING: NodeRunState = Object.freeze({ status: 'PENDING', visits: 0, attempt: 0, entries: 0 });

/** The records a new run starts with. */
export function initialRecords(nodeIds: string[], layout: 'flat' | 'auto' = 'auto'): PerNode {
  if (layout === 'auto' && nodeIds.length > FLAT_MAX_NODES)
    return { chunks: { count: Math.ceil(Math.sqrt(nodeIds.length)), nodes: {}, outputs: {} } };
  const nodes: Record<string, NodeRunState> = {};
  for (const id of nodeIds) nodes[id] = { ...PENDING };
  return { nodes, outputs: {} };
}

/** FNV-1a over the id's UTF-16 units: stable across processes, so a restored snapshot finds its nodes. */
function chunkOf(id: string, count: number): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return String((hash >>> 0) % count);
}

/** A node's state; in a chunked context a node not entered yet is pending. */
export function nodeStateOf(records: PerNode, id: string): NodeRunState | undefined {
  const { chunks } = records;
  if (!chunks) return records.nodes?.[id];
  return chunks.nodes[chunkOf(id, chunks.count)]?.[id] ?? PENDING;
}

/** The records with `id`'s state replaced (one chunk copied, or the flat record). */
export function withNodeState(records: PerNode, id: string, state: NodeRunState): PerNode {
  const { chunks } = records;
  if (!chunks) return { nodes: { ...records.nodes, [id]: state }, outputs: records.outputs };
  const key = chunkOf(id, chunks.count);
  const nodes = { ...chunks.nodes, [key]: { ...chunks.nodes[key], [id]: state } };
  return { chunks: { ...chunks, nodes } };
}

export function outputsOf(records: PerNode, id: string): Record<string, unknown> | undefined {
  const { chunks } = records;
  return chunks ? chunks.outputs[chunkOf(id, chunks.count)]?.[id] : records.outputs?.[id];
}

export function withOutputs(records: PerNode, id: string, outputs: Record<string, unknown>): PerNode {
  const { chunks } = records;
  if (!chunks) return { nodes: records.nodes, outputs: { ...records.outputs, [id]: outputs } };
  const key = chunkOf(id, chunks.count);
  return { chunks: { ...chunks, outputs: { ...chunks.outputs, [key]: { ...chunks.outputs[key], [id]: outputs } } } };
}

/** Flat views of chunked outputs, built once per record: templates and conditions read outputs by node id. */
const flatViews = new WeakMap<object, Outputs>();

/** Every node's outputs by node id. */
export function allOutputs(records: PerNode): Outputs {
  const { chunks } = records;
  if (!chunks) return records.outputs ?? {};
  let flat = flatViews.get(chunks.outputs);
  if (!flat) {
    flat = {};
    for (const key in chunks.outputs) Object.assign(flat, chunks.outputs[key]);
    flatViews.set(chunks.outputs, flat);
  }
  return flat;
}

/** Node visits so far; the context keeps the total (`visited`), older snapshots did not. */
export function visitsSoFar(context: Pick<RunContext, 'nodes' | 'chunks' | 'visited'>): number {
  if (context.visited !== undefined) return context.visited;
  let sum = 0;
  const groups = context.chunks ? Object.values(context.chunks.nodes) : [context.nodes ?? {}];
  for (const group of groups) for (const id in group) sum += group[id].visits;
  return sum;
}
