import { describe, expect, it } from 'vitest';
import { findJoin } from '../../src/machine/plan.ts';
import { workflowFrom } from './helpers.ts';

const graph = (edges: string[]) => {
  const ids = [...new Set(edges.flatMap((edge) => edge.split(/\s*->\s*/)))];
  return workflowFrom(`osop_version: "1.0"
id: g
name: G
nodes:
${ids.map((id) => `  - { id: ${id}, type: api, name: ${id} }`).join('\n')}
edges:
${edges
  .map((edge) => edge.split(/\s*->\s*/))
  .map(([from, to]) => `  - { from: ${from}, to: ${to} }`)
  .join('\n')}
`);
};

describe('findJoin', () => {
  it('picks the node with the lowest sum of branch distances, even when only some branches reach it', () => {
    // hub: all three branches at distance 1 (sum 3); y: reached by x at 1 and by itself at 0 (sum 1).
    const workflow = graph(['x -> hub', 'y -> hub', 'z -> hub', 'x -> y', 'hub -> after']);
    expect(findJoin(workflow, 'fork', ['x', 'y', 'z'])).toBe('y');
  });

  it('picks the first declared node on a tie, and the node every branch reaches when it is nearer', () => {
    expect(findJoin(graph(['a -> p', 'b -> p', 'a -> q', 'b -> q']), 's', ['a', 'b'])).toBe('p');
    expect(
      findJoin(
        graph(['a -> m', 'b -> m', 'c -> m', 'a -> a2', 'a2 -> a3', 'b -> b2', 'b2 -> b3', 'a3 -> late', 'b3 -> late']),
        's',
        ['a', 'b', 'c'],
      ),
    ).toBe('m');
  });

  it('finds no join when the branches never meet', () => {
    expect(findJoin(graph(['a -> a2', 'b -> b2']), 's', ['a', 'b'])).toBeUndefined();
  });
});
