// Checks the inputs of a run request against the workflow's declared inputs before anything starts.
import type { Diagnostic, InputSpec, Workflow } from '../osop/workflow.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

export interface CheckedInputs {
  inputs: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

const accepts = (declared: string | undefined, value: unknown): boolean => {
  if (!declared || declared === 'any') return true;
  const actual = typeOf(value);
  switch (declared) {
    case 'number':
    case 'float':
      return actual === 'number' || actual === 'integer';
    case 'int':
    case 'integer':
      return actual === 'integer';
    case 'bool':
    case 'boolean':
      return actual === 'boolean';
    case 'object':
    case 'map':
      return actual === 'object';
    case 'array':
    case 'list':
      return actual === 'array';
    case 'string':
      return actual === 'string';
    default:
      return true;
  }
};

const diagnostic = (
  workflow: Workflow,
  path: string,
  code: string,
  message: string,
  suggestion?: string,
): Diagnostic => ({
  file: workflow.file,
  line: 1,
  col: 1,
  severity: 'error',
  code,
  path,
  message,
  suggestion,
});

/** JSON.parse reads 1e400 as Infinity, which would be stored as null. */
const isFiniteOrNotNumber = (value: unknown): boolean => typeof value !== 'number' || Number.isFinite(value);

const checkOne = (workflow: Workflow, spec: InputSpec, value: unknown): Diagnostic | undefined => {
  if (value === undefined) {
    return spec.required && spec.default === undefined
      ? diagnostic(
          workflow,
          `inputs.${spec.name}`,
          'missing-input',
          `input ${spec.name} is required`,
          `send "inputs": {"${spec.name}": ...}`,
        )
      : undefined;
  }
  if (!isFiniteOrNotNumber(value)) return undefined; // reported by checkInputs
  if (!accepts(spec.type, value)) {
    return diagnostic(
      workflow,
      `inputs.${spec.name}`,
      'input-type',
      `input ${spec.name} must be ${spec.type}, got ${typeOf(value)}`,
    );
  }
  return undefined;
};

export const checkInputs = (workflow: Workflow, raw: unknown): CheckedInputs => {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    return {
      inputs: {},
      diagnostics: [
        diagnostic(workflow, 'inputs', 'inputs-not-object', 'inputs must be a JSON object of name → value'),
      ],
    };
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const declared = new Map(workflow.inputs.map((spec) => [spec.name, spec]));
  const diagnostics: Diagnostic[] = [];
  if (declared.size > 0) {
    for (const name of Object.keys(given)) {
      if (!declared.has(name)) {
        diagnostics.push(
          diagnostic(
            workflow,
            `inputs.${name}`,
            'unknown-input',
            `workflow ${workflow.id} has no input ${name}`,
            `its inputs are: ${[...declared.keys()].join(', ')}`,
          ),
        );
      }
    }
  }
  for (const [name, value] of Object.entries(given)) {
    if (!isFiniteOrNotNumber(value)) {
      diagnostics.push(
        diagnostic(workflow, `inputs.${name}`, 'input-range', `input ${name} is too large to be a number`),
      );
    }
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      diagnostics.push(
        diagnostic(
          workflow,
          `inputs.${name}`,
          'input-too-deep',
          `input ${name} nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep`,
          'send a flatter value',
        ),
      );
    }
  }
  const inputs: Record<string, unknown> = { ...given };
  for (const spec of workflow.inputs) {
    const problem = checkOne(workflow, spec, given[spec.name]);
    if (problem) diagnostics.push(problem);
    else if (given[spec.name] === undefined && spec.default !== undefined) inputs[spec.name] = spec.default;
  }
  return { inputs, diagnostics };
};
