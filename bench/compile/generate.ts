// Synthetic workflows of a given size and shape, as OSOP JSON text (compact, to stay under the 1 MB cap at 5000 nodes).
export type Shape = 'chain' | 'diamonds' | 'fan-out';

export const SHAPES: readonly Shape[] = ['chain', 'diamonds', 'fan-out'];

interface GenNode {
  id: string;
  type: string;
  runtime?: Record<string, unknown>;
  outputs?: Array<Record<string, string>>;
}

interface GenEdge {
  from: string;
  to: string;
  mode?: string;
  when?: string;
}

const apiNode = (id: string): GenNode => ({ id, type: 'api', runtime: { method: 'GET', url: 'http://127.0.0.1/x' } });

/** n1 → n2 → … → nN. */
function chain(size: number): { nodes: GenNode[]; edges: GenEdge[] } {
  const nodes = Array.from({ length: size }, (_, index) => apiNode(`n${index + 1}`));
  const edges = nodes.slice(1).map((node, index) => ({ from: nodes[index].id, to: node.id }));
  return { nodes, edges };
}

/** Appends plain nodes after `tails` until the graph has `size` nodes. */
function padTo(size: number, nodes: GenNode[], edges: GenEdge[], tails: string[]): void {
  while (nodes.length < size) {
    const id = `t${nodes.length}`;
    edges.push(...tails.map((from) => ({ from, to: id })));
    nodes.push(apiNode(id));
    tails = [id];
  }
}

/** Blocks of four: a forks to b and c, which join at d; d leads to the next block's a. */
function diamonds(size: number): { nodes: GenNode[]; edges: GenEdge[] } {
  const nodes: GenNode[] = [];
  const edges: GenEdge[] = [];
  for (let block = 0; nodes.length + 4 <= size; block += 1) {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((letter) => `${letter}${block}`);
    if (block > 0) edges.push({ from: `d${block - 1}`, to: a });
    nodes.push(apiNode(a), apiNode(b), apiNode(c), apiNode(d));
    edges.push(
      { from: a, to: b, mode: 'parallel' },
      { from: a, to: c, mode: 'parallel' },
      { from: b, to: d },
      { from: c, to: d },
    );
  }
  padTo(size, nodes, edges, nodes.length > 0 ? [nodes.at(-1)!.id] : []);
  return { nodes, edges };
}

/** One root forks to size − 2 branches, all joining at the last node (size ≥ 4). */
function fanOut(size: number): { nodes: GenNode[]; edges: GenEdge[] } {
  const branches = Array.from({ length: Math.max(1, size - 2) }, (_, index) => apiNode(`b${index + 1}`));
  const nodes = [apiNode('root'), ...branches, apiNode('join')];
  const edges = branches.flatMap((branch) => [
    { from: 'root', to: branch.id, mode: 'parallel' },
    { from: branch.id, to: 'join' },
  ]);
  return { nodes, edges };
}

const BUILDERS: Record<Shape, (size: number) => { nodes: GenNode[]; edges: GenEdge[] }> = {
  chain,
  diamonds,
  'fan-out': fanOut,
};

const document = (id: string, graph: { nodes: GenNode[]; edges: GenEdge[] }): string =>
  JSON.stringify({ osop_version: '1.0', id, name: id, nodes: graph.nodes, edges: graph.edges });

export function generateWorkflow(shape: Shape, size: number): string {
  return document(`bench-${shape}-${size}`, BUILDERS[shape](size));
}

/**
 * A chain of exclusive choices for path enumeration: each step `s` routes on its own output to
 * `l` or `r`, both continuing to the next step — 2^(size/3) paths, so the bound shows quickly.
 */
export function generateBranchingWorkflow(size: number): string {
  const nodes: GenNode[] = [];
  const edges: GenEdge[] = [];
  for (let step = 0; nodes.length + 3 <= size; step += 1) {
    const [s, l, r] = ['s', 'l', 'r'].map((letter) => `${letter}${step}`);
    if (step > 0) edges.push({ from: `l${step - 1}`, to: s }, { from: `r${step - 1}`, to: s });
    nodes.push({ ...apiNode(s), outputs: [{ side: 'data.side' }] }, apiNode(l), apiNode(r));
    edges.push(
      { from: s, to: l, mode: 'conditional', when: `${s}.side == 'left'` },
      { from: s, to: r, mode: 'conditional', when: `${s}.side == 'right'` },
    );
  }
  padTo(size, nodes, edges, nodes.length >= 3 ? [nodes.at(-2)!.id, nodes.at(-1)!.id] : []);
  return document(`bench-branching-${size}`, { nodes, edges });
}
