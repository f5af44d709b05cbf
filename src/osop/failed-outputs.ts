// An `error` edge is taken after its source failed, and a failed node has no outputs: a condition that reads them
// cannot hold the first time the node fails. Said at load, where it is written (docs/semantics.md "Edges").
import { parse } from '@bufbuild/cel';
import { collectReferences } from './cel-references.ts';

/** The outputs of `node` the condition reads (`node.x`, `outputs.node.x`, or a bare name `node` declares). */
export function failedOutputsRead(source: string, node: string, declared: readonly string[]): string[] {
  let names: ReturnType<typeof collectReferences>['names'];
  try {
    names = collectReferences(parse(source)).names;
  } catch {
    return [];
  }
  const read = names.flatMap((use) => {
    if (use.name === node) return [[node, ...use.path].join('.')];
    if (use.name === 'outputs' && use.path[0] === node) return [['outputs', ...use.path].join('.')];
    return declared.includes(use.name) ? [[use.name, ...use.path].join('.')] : [];
  });
  return [...new Set(read)];
}
