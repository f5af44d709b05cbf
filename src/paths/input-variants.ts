// Workflow inputs are fixed for a whole run, so a condition on `inputs.x` splits the paths by run: one input set per distinct verdict.
import type { EdgeExpression } from './edge-expressions.ts';
import { combinations, describeAssignments, fieldChoices, setPath } from './sample-values.ts';

export interface InputVariant {
  inputs: Record<string, unknown>;
  /** The inputs that differ from the defaults, e.g. `amount = 1001`; empty for the defaults. */
  label: string;
}

const MAX_VARIANTS = 64;

function verdict(
  item: EdgeExpression,
  inputs: Record<string, unknown>,
  outputs: Record<string, Record<string, unknown>>,
): string {
  try {
    return JSON.stringify(
      item.expression.evaluate({
        inputs,
        outputs,
        metadata: { run_id: 'paths', attempt: 1 },
        env: {},
        nodes: {},
        sourceNode: item.edge.from,
      }),
    );
  } catch {
    return 'error';
  }
}

/** The base inputs first, then one input set per further distinct verdict of the conditions that read inputs. */
export function inputVariants(
  expressions: EdgeExpression[],
  base: Record<string, unknown>,
  outputs: Record<string, Record<string, unknown>>,
): InputVariant[] {
  const readers = expressions.filter((item) => item.shape.refs.some((ref) => ref.kind === 'input'));
  const atoms = readers.flatMap((item) => item.shape.atoms).filter((atom) => atom.ref.kind === 'input');
  const candidates = [
    { inputs: base, label: '' },
    ...combinations(fieldChoices(atoms), MAX_VARIANTS).map((assigned) => {
      const inputs = structuredClone(base);
      for (const { path, value } of assigned) setPath(inputs, path, value, true);
      return { inputs, label: describeAssignments(assigned) };
    }),
  ];
  const variants = new Map<string, InputVariant>();
  for (const candidate of candidates) {
    const verdicts = readers.map((item) => verdict(item, candidate.inputs, outputs));
    if (verdicts.includes('error') && candidate !== candidates[0]) continue;
    const signature = verdicts.join(',');
    if (!variants.has(signature)) variants.set(signature, candidate);
  }
  return [...variants.values()];
}
