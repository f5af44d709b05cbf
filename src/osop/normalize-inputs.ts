// Workflow `inputs` → InputSpec[]. Accepted: a list of names or {name, type, required, default, enum, description};
// a mapping name → spec (or name → default value); a JSON Schema object {type: object, properties, required}.
import { type NormalizeContext, type Raw } from './context.ts';
import type { InputSpec } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

function fromSpec(name: string, spec: Raw, requiredByDefault: boolean): InputSpec {
  const hasDefault = spec.default !== undefined;
  return {
    name,
    ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
    required: typeof spec.required === 'boolean' ? spec.required : requiredByDefault && !hasDefault,
    ...(hasDefault ? { default: spec.default } : {}),
    ...(Array.isArray(spec.enum) ? { enum: spec.enum } : {}),
    ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
  };
}

const SPEC_KEYS = new Set([
  'type',
  'required',
  'default',
  'description',
  'enum',
  'format',
  'schema',
  'items',
  'properties',
]);
const looksLikeSpec = (value: unknown): value is Raw =>
  isRecord(value) && Object.keys(value).some((key) => SPEC_KEYS.has(key));

export function normalizeInputs(raw: unknown, context: NormalizeContext): InputSpec[] {
  if (raw === undefined || raw === null) return [];
  const path = ['inputs'];
  if (Array.isArray(raw)) {
    return raw.flatMap((item, index): InputSpec[] => {
      if (typeof item === 'string') return [{ name: item, required: true }];
      if (isRecord(item) && typeof item.name === 'string') return [fromSpec(item.name, item, true)];
      context.sink.error({
        code: 'invalid-input',
        path: [...path, index],
        message: 'an input is a name or {name, type, required, default, description}',
      });
      return [];
    });
  }
  if (!isRecord(raw)) {
    context.sink.error({ code: 'invalid-input', path, message: 'inputs must be a list or a mapping' });
    return [];
  }
  if (raw.type === 'object' && isRecord(raw.properties)) {
    const required = Array.isArray(raw.required) ? raw.required.map(String) : [];
    return Object.entries(raw.properties).map(([name, spec]) => ({
      ...fromSpec(name, isRecord(spec) ? spec : {}, false),
      required: required.includes(name),
    }));
  }
  return Object.entries(raw).map(([name, spec]): InputSpec => {
    if (spec === null) return { name, required: true };
    return looksLikeSpec(spec) ? fromSpec(name, spec, true) : { name, required: false, default: spec };
  });
}
