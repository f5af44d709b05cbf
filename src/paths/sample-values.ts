// Building sample objects: nested field assignment and the workflow inputs a path test runs with.
import type { Atom } from './cel-atoms.ts';
import { samplesFor } from './samples.ts';
import type { InputSpec, Template } from '../osop/workflow.ts';

export interface FieldAssignment {
  path: string[];
  value: unknown;
}

const fieldKey = (path: string[]): string => path.join('\u0000');

/** Sets `target.a.b = value`, creating objects on the way; keeps an existing value unless told to overwrite. */
export function setPath(target: Record<string, unknown>, path: string[], value: unknown, overwrite: boolean): void {
  if (path.length === 0) return;
  let cursor = target;
  for (const key of path.slice(0, -1)) {
    const next = cursor[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cursor[key] = {};
    cursor = cursor[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (overwrite || !(last in cursor)) cursor[last] = value;
}

const BY_TYPE: Record<string, unknown> = {
  string: 'sample',
  number: 1,
  integer: 1,
  boolean: true,
  array: [],
  object: {},
};

/** `${inputs.x}` references anywhere in the nodes' runtime blocks. */
function referencedInputs(templates: Template[]): string[][] {
  const paths: string[][] = [];
  const visit = (template: Template): void => {
    if (template.kind === 'ref' && template.ref.namespace === 'inputs') paths.push(template.ref.path);
    if (template.kind === 'text')
      for (const part of template.parts)
        if (typeof part !== 'string' && part.namespace === 'inputs') paths.push(part.path);
    if (template.kind === 'list') template.items.forEach(visit);
    if (template.kind === 'map') Object.values(template.entries).forEach(visit);
  };
  templates.forEach(visit);
  return paths.filter((path) => path.length > 0);
}

export function sampleInputs(specs: InputSpec[], atoms: Atom[], templates: Template[] = []): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const path of referencedInputs(templates)) setPath(inputs, path, 'sample', false);
  for (const atom of atoms) {
    if (atom.ref.kind === 'input') setPath(inputs, atom.ref.path, samplesFor(atom)[0], false);
  }
  for (const spec of specs) {
    if (spec.default !== undefined) inputs[spec.name] = structuredClone(spec.default);
    else if (!(spec.name in inputs)) inputs[spec.name] = structuredClone(BY_TYPE[spec.type ?? 'string'] ?? 'sample');
    // A sample must be a value the input accepts: with `enum`, one of its values.
    const allowed = spec.enum;
    if (allowed?.length && !allowed.some((value) => JSON.stringify(value) === JSON.stringify(inputs[spec.name])))
      inputs[spec.name] = structuredClone(allowed[0]);
  }
  return inputs;
}

export interface FieldChoice {
  path: string[];
  values: unknown[];
}

/** For each field the atoms compare, the distinct sample values of all its comparisons. */
export function fieldChoices(atoms: Atom[]): FieldChoice[] {
  const fields = new Map<string, FieldChoice>();
  for (const atom of atoms) {
    if (atom.ref.kind === 'error') continue;
    const key = fieldKey(atom.ref.path);
    const field = fields.get(key) ?? { path: atom.ref.path, values: [] };
    for (const value of samplesFor(atom)) {
      if (!field.values.some((known) => JSON.stringify(known) === JSON.stringify(value))) field.values.push(value);
    }
    fields.set(key, field);
  }
  return [...fields.values()];
}

/** Every combination of field values, or one field varied at a time past `limit`. */
export function combinations(fields: FieldChoice[], limit: number): FieldAssignment[][] {
  const total = fields.reduce((product, field) => product * field.values.length, 1);
  if (total > limit) return fields.flatMap((field) => field.values.map((value) => [{ path: field.path, value }]));
  return fields.reduce<FieldAssignment[][]>(
    (partial, field) =>
      partial.flatMap((assigned) => field.values.map((value) => [...assigned, { path: field.path, value }])),
    [[]],
  );
}

export const describeAssignments = (assigned: FieldAssignment[]): string =>
  assigned.map(({ path, value }) => `${path.join('.')} = ${JSON.stringify(value)}`).join(', ');
