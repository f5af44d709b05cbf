// Node outputs in every published form → OutputSpec[]:
// `[{customer_id: "data.id"}]`, `runtime.response_mapping: {id: "$.data.id"}`, `[name]` / `[{name, description}]`,
// plus a mapping `{customer_id: "data.id"}`, a JSON Schema `{type: object, properties}` and a map of named schemas
// `{topic: {type: string}}` (declarations, each with its schema).
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { compileExtractor } from './outputs.ts';
import type { OutputSpec } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const DECLARATION_KEYS = new Set(['name', 'schema', 'description', 'required', 'type', 'explain']);
/** Keys that make a mapping value a JSON Schema (`topic: {type: string}`) rather than a broken extractor. */
const SCHEMA_KEYS = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'items',
  'description',
  'format',
  '$ref',
  'anyOf',
  'oneOf',
  'allOf',
  'default',
  'minimum',
  'maximum',
  'pattern',
  'required',
  'additionalProperties',
  'title',
  'examples',
]);
const isSchema = (value: unknown): value is Raw =>
  isRecord(value) && Object.keys(value).some((key) => SCHEMA_KEYS.has(key));

/** A declared output with the schema it was written with. */
function declared(name: string, schema: Raw | undefined): OutputSpec {
  return {
    name,
    ...(schema && typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...(schema ? { schema } : {}),
  };
}

function mapping(name: string, source: unknown, path: DocPath, context: NormalizeContext): OutputSpec | undefined {
  if (typeof source !== 'string') {
    context.sink.error({
      code: 'output-mapping',
      path,
      message: `output ${name} must map to an expression string such as "data.id", or to a JSON Schema such as {type: string}`,
    });
    return undefined;
  }
  const position = context.source.locate(path);
  const { extract, error } = compileExtractor(source, position, context.nodeIds);
  if (error) {
    const at = error.col ? context.source.locateInString(path, error.col) : position;
    context.sink.error({
      code: error.code,
      path,
      message: `output ${name}: ${error.message}`,
      suggestion: error.suggestion,
      at,
    });
    return undefined;
  }
  return { name, extract };
}

function declaration(item: Raw, path: DocPath, context: NormalizeContext): OutputSpec | undefined {
  if (typeof item.name !== 'string' || item.name === '') {
    context.sink.error({ code: 'invalid-output', path, message: 'an output declaration needs a name' });
    return undefined;
  }
  // `{name, schema: {...}}`, or the schema's own keys next to the name (`{name: score, type: number}`).
  const schema = isRecord(item.schema) ? item.schema : typeof item.type === 'string' ? { type: item.type } : undefined;
  return {
    name: item.name,
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
    ...(schema ? { schema } : {}),
  };
}

function fromList(list: unknown[], path: DocPath, context: NormalizeContext): OutputSpec[] {
  return list
    .flatMap((item, index): Array<OutputSpec | undefined> => {
      const itemPath = [...path, index];
      if (typeof item === 'string') return [{ name: item }];
      if (!isRecord(item)) {
        context.sink.error({
          code: 'invalid-output',
          path: itemPath,
          message: 'an output is a name, {name, description} or {output_name: "expression"}',
        });
        return [];
      }
      if ('name' in item && Object.keys(item).every((key) => DECLARATION_KEYS.has(key) || key.startsWith('x-'))) {
        return [declaration(item, itemPath, context)];
      }
      return Object.entries(item).map(([name, source]) => mapping(name, source, [...itemPath, name], context));
    })
    .filter((spec): spec is OutputSpec => spec !== undefined);
}

function fromMapping(record: Raw, path: DocPath, context: NormalizeContext): OutputSpec[] {
  if (isRecord(record.properties) && (record.type === 'object' || record.type === undefined)) {
    return Object.entries(record.properties).map(([name, schema]) =>
      declared(name, isRecord(schema) ? schema : undefined),
    );
  }
  return Object.entries(record)
    .map(([name, source]) => {
      if (source === null) return declared(name, undefined);
      if (isSchema(source)) return declared(name, source);
      return mapping(name, source, [...path, name], context);
    })
    .filter((spec): spec is OutputSpec => spec !== undefined);
}

export function normalizeOutputs(raw: Raw, path: DocPath, context: NormalizeContext): OutputSpec[] {
  const specs: OutputSpec[] = [];
  const outputs = raw.outputs;
  if (Array.isArray(outputs)) specs.push(...fromList(outputs, [...path, 'outputs'], context));
  else if (isRecord(outputs)) specs.push(...fromMapping(outputs, [...path, 'outputs'], context));
  else if (outputs !== undefined && outputs !== null) {
    context.sink.error({
      code: 'invalid-output',
      path: [...path, 'outputs'],
      message: 'outputs must be a list or a mapping',
    });
  }
  const runtime = isRecord(raw.runtime) ? raw.runtime : {};
  if (runtime.response_mapping !== undefined) {
    const mappingPath = [...path, 'runtime', 'response_mapping'];
    if (!isRecord(runtime.response_mapping)) {
      context.sink.error({
        code: 'invalid-output',
        path: mappingPath,
        message: 'response_mapping must map output names to JSONPath or CEL',
      });
    } else {
      for (const spec of fromMapping(runtime.response_mapping, mappingPath, context)) {
        const existing = specs.findIndex((other) => other.name === spec.name);
        if (existing >= 0) specs[existing] = { ...specs[existing], extract: spec.extract };
        else specs.push(spec);
      }
    }
  }
  return specs;
}

/** Output names a raw node declares, in any form (used before nodes are normalized). */
export function declaredOutputNames(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const names: string[] = [];
  const { outputs } = raw;
  if (Array.isArray(outputs)) {
    for (const item of outputs) {
      if (typeof item === 'string') names.push(item);
      else if (isRecord(item)) names.push(...(typeof item.name === 'string' ? [item.name] : Object.keys(item)));
    }
  } else if (isRecord(outputs)) {
    names.push(...Object.keys(isRecord(outputs.properties) ? outputs.properties : outputs));
  }
  if (isRecord(raw.runtime) && isRecord(raw.runtime.response_mapping))
    names.push(...Object.keys(raw.runtime.response_mapping));
  return names;
}
