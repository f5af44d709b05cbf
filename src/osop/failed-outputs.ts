// A failed `api` or `cli` node keeps the outputs it produced (an error answer's body, a command's stdout and exit
// code), so an `error` edge may read them. Other node types fail with no outputs: a condition that reads them
// cannot hold the first time the node fails. Said at load, where it is written (docs/semantics.md "Edges").
import { parse } from '@bufbuild/cel';
import { collectReferences } from './cel-references.ts';

/** Node types whose failure carries outputs (see adapters/cli.ts, adapters/api/outputs.ts). */
const FAILURE_OUTPUT_TYPES: ReadonlySet<string> = new Set(['api', 'cli']);

/** Whether a failed node of this type has outputs an `error` edge's condition can read. */
export const keepsOutputsOnFailure = (type: string | undefined): boolean =>
  type !== undefined && FAILURE_OUTPUT_TYPES.has(type);

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
