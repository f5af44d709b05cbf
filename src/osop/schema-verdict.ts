// The official OSOP JSON Schemas' verdict (Ajv, draft 2020-12), as located diagnostics.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { packageRoot } from '../util/package-root.ts';
import type { DocPath } from './diagnostics.ts';
import { parseSource, type SourceDocument } from './yaml-source.ts';
import type { Diagnostic } from './workflow.ts';

export type SchemaName = 'core' | 'full' | 'osoplog';

const SCHEMA_FILES: Record<SchemaName, string> = {
  core: 'osop-core.schema.json',
  full: 'osop.schema.json',
  osoplog: 'osoplog.schema.json',
};

// Ajv (CommonJS) is required on first use, so `validate` without --schema/--strict never loads it.
const require = createRequire(import.meta.url);

const validators = new Map<SchemaName, ValidateFunction>();

export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormats = require('ajv-formats') as FormatsPlugin;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const file = join(packageRoot(import.meta.url), 'schema', SCHEMA_FILES[name]);
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    validators.set(name, validate);
  }
  return validate;
}

function pathOf(error: ErrorObject): { path: DocPath; key: boolean } {
  const path: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return extra === undefined ? { path, key: false } : { path: [...path, extra], key: true };
}

function describe(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (params.additionalProperty !== undefined) return `"${params.additionalProperty}" is not allowed here`;
  if (params.allowedValues)
    return `${error.message}: ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  return error.message ?? error.keyword;
}

/** oneOf/anyOf repeat their branches' errors; keep the most specific, once each. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.instancePath}|${describe(error)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function schemaDiagnostics(data: unknown, source: SourceDocument, file: string, name: SchemaName): Diagnostic[] {
  const validate = schemaValidator(name);
  if (validate(data)) return [];
  const label = name === 'osoplog' ? 'osoplog schema' : `OSOP ${name} schema`;
  return usefulErrors(validate.errors ?? []).map((error) => {
    const { path, key } = pathOf(error);
    const position = source.locate(path, { key });
    const where = error.instancePath === '' ? 'document' : error.instancePath;
    return {
      ...position,
      file,
      severity: 'error',
      code: `schema-${name}`,
      path: path.map(String).join('.'),
      message: `${label}: ${where}: ${describe(error)}`,
    };
  });
}

/** Parses the text and returns the schema's verdict; YAML errors are left to the loader. */
export function schemaVerdict(
  text: string,
  file: string,
  name: SchemaName,
): { valid: boolean; diagnostics: Diagnostic[] } {
  const source = parseSource(text, file);
  if (source.data === undefined) return { valid: false, diagnostics: [] };
  const diagnostics = schemaDiagnostics(source.data, source, file, name);
  return { valid: diagnostics.length === 0, diagnostics };
}
