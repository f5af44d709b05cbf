// `--input name=value` flags → typed workflow inputs; a misspelt name or a value of the wrong type is a usage error.
import { coerceInput } from '../machine/run-inputs.ts';
import { splitPair } from '../services/secrets.ts';
import { didYouMean } from '../osop/suggest.ts';
import type { InputSpec, Workflow } from '../osop/workflow.ts';

/** Bad command-line input: the command prints the message and exits 2 before anything runs. */
export class UsageError extends Error {}

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a value of the declared type looks like, when `value` is not one (types the CLI text is coerced to). */
function expected(type: string | undefined, value: unknown): string | undefined {
  switch (type?.toLowerCase()) {
    case 'integer':
      return Number.isInteger(value) ? undefined : 'a whole number';
    case 'number':
      return typeof value === 'number' ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'object':
      return isObject(value) ? undefined : 'a JSON object';
    case 'array':
      return Array.isArray(value) ? undefined : 'a JSON array';
    default:
      return undefined;
  }
}

function typed(spec: InputSpec | undefined, text: string): unknown {
  const value = coerceInput(spec, text);
  const wanted = spec && expected(spec.type, value);
  if (!wanted) return value;
  const example =
    spec.default === undefined
      ? ''
      : `, e.g. --input ${spec.name}=${typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default)}`;
  throw new UsageError(`--input ${spec.name}=${text}: ${spec.name} is declared ${spec.type}; give ${wanted}${example}`);
}

export function parseInputFlags(workflow: Workflow, pairs: string[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const text of pairs) {
    const pair = splitPair(text);
    if (!pair) throw new UsageError(`--input ${text} is not name=value: write --input name=value`);
    const spec = workflow.inputs.find((input) => input.name === pair[0]);
    if (!spec && workflow.inputs.length > 0) {
      const hint =
        didYouMean(
          pair[0],
          workflow.inputs.map((input) => input.name),
        ) ?? `declared inputs: ${workflow.inputs.map((input) => input.name).join(', ')}`;
      throw new UsageError(`--input ${pair[0]}: ${workflow.file} declares no input ${pair[0]} (${hint})`);
    }
    inputs[pair[0]] = typed(spec, pair[1]);
  }
  return inputs;
}
