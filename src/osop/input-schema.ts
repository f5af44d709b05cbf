// A workflow's inputs as one JSON Schema, and the one check every way of starting a run uses (CLI, HTTP, chat, page).
// Typed values (a JSON body, a library call) must already have their type: "5" is text, not a number. Text (CLI
// flags, form fields, strings the chat relays) is coerced by Ajv's rules ("5" → 5 for an integer, "true"/"false"
// for a boolean; "abc" stays wrong) plus JSON text for an object or array; a blank text counts as not given.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { didYouMean } from './suggest.ts';
import type { InputSpec, Workflow } from './workflow.ts';
import { setOwnField } from '../util/own-field.ts';

export type InputType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface InputPropertySchema {
  type?: InputType;
  enum?: unknown[];
  default?: unknown;
  description?: string;
}

/** What GET /api/workflows/:id serves as `inputSchema`; the page renders its form from it. */
export interface InputsSchema {
  $schema: string;
  type: 'object';
  properties: Record<string, InputPropertySchema>;
  required: string[];
  /** false once the workflow declares inputs: a misspelt name is refused, not silently ignored. */
  additionalProperties: boolean;
}

export interface GivenInputs {
  /** Typed values, checked as they are. */
  json?: Record<string, unknown>;
  /** What a person typed, name → text; coerced to the declared type. Wins over `json` for the same name. */
  text?: Record<string, string>;
}

type InputProblemCode = 'unknown-input' | 'missing-input' | 'input-type' | 'input-range';

export interface InputProblem {
  code: InputProblemCode;
  input: string;
  /** The type as the workflow writes it, e.g. `int`; absent for an input declared without one. */
  declared?: string;
  /** What a right value looks like, in the user's terms: "a whole number", "one of usd, eur". */
  expected?: string;
  /** What was given: the text as typed, or the JSON of a typed value. */
  given?: string;
  /** The input's default as text: an example of a right value. */
  example?: string;
  /** The problem in one sentence, the same on every surface. */
  message: string;
  /** What to do, in words that fit every surface. */
  fix: string;
}

export type CheckedInputs =
  { ok: true; values: Record<string, unknown> } | { ok: false; problems: InputProblem[]; values?: undefined };

const TYPES = new Map<string, InputType>([
  ['string', 'string'],
  ['int', 'integer'],
  ['integer', 'integer'],
  ['number', 'number'],
  ['float', 'number'],
  ['bool', 'boolean'],
  ['boolean', 'boolean'],
  ['object', 'object'],
  ['map', 'object'],
  ['array', 'array'],
  ['list', 'array'],
]);

const EXPECTED: Record<InputType, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a JSON array',
};

/** The JSON type every enum value has, for an input that declares values but no type. */
const enumType = (values: unknown[]): InputType | undefined => {
  const kinds = new Set(values.map((value) => typeof value));
  const [kind] = kinds;
  if (kinds.size !== 1) return undefined;
  if (kind === 'number') return values.every(Number.isInteger) ? 'integer' : 'number';
  return kind === 'string' || kind === 'boolean' ? kind : undefined;
};

/** The JSON Schema type of an input; undefined for `any`, an unknown type name or none. */
export const inputType = (spec: InputSpec): InputType | undefined =>
  (spec.type === undefined ? undefined : TYPES.get(spec.type.toLowerCase())) ??
  (spec.type === undefined && spec.enum?.length ? enumType(spec.enum) : undefined);

const isRequired = (spec: InputSpec): boolean => spec.required && spec.default === undefined;

export const inputSchema = (workflow: Pick<Workflow, 'inputs'>): InputsSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: Object.fromEntries(
    workflow.inputs.map((spec): [string, InputPropertySchema] => {
      const type = inputType(spec);
      return [
        spec.name,
        {
          ...(type ? { type } : {}),
          ...(spec.enum && spec.enum.length > 0 ? { enum: spec.enum } : {}),
          ...(spec.default !== undefined ? { default: spec.default } : {}),
          ...(spec.description ? { description: spec.description } : {}),
        },
      ];
    }),
  ),
  required: workflow.inputs.filter(isRequired).map((spec) => spec.name),
  additionalProperties: workflow.inputs.length === 0,
});

interface Validators {
  /** Coerces text to the declared types; no defaults, nothing required (that is the typed pass's job). */
  text: ValidateFunction;
  /** Types as given; fills in defaults, refuses missing and unknown inputs. */
  typed: ValidateFunction;
}

// Imported, not required on first use: the CLI's bundle then carries Ajv as one module instead of resolving its ~40
// files at run time (a dry run's Ajv went from ~46 to ~15 ms of CPU); the engines are still built on first use.
let engines: { text: Ajv2020; typed: Ajv2020 } | undefined;
const ajvEngines = () => {
  if (!engines) {
    // inputSchema() writes every schema these see, so checking it against the 2020-12 meta-schema only costs:
    // compiling the meta-schema was ~130 ms of a dry run's ~350 ms of CPU.
    engines = {
      text: new Ajv2020({ allErrors: true, coerceTypes: true, validateSchema: false }),
      typed: new Ajv2020({ allErrors: true, useDefaults: true, validateSchema: false }),
    };
  }
  return engines;
};

// Ajv's generated code mishandles property names such as `__proto__` (a required one passes when absent, a given
// one is refused as unknown), so Ajv sees every input name with a prefix no reserved name has.
const AJV_PREFIX = '$';
const ajvKey = (name: string): string => `${AJV_PREFIX}${name}`;
const inputName = (key: string): string => (key.startsWith(AJV_PREFIX) ? key.slice(AJV_PREFIX.length) : key);

const ajvKeyed = (schema: InputsSchema): InputsSchema => ({
  ...schema,
  properties: Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [ajvKey(name), property])),
  required: schema.required.map(ajvKey),
});

/** `values` keyed for Ajv, or back: a fresh object with own properties only (even for `__proto__`). */
const rekeyed = (values: Record<string, unknown>, key: (name: string) => string): Record<string, unknown> => {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) setOwnField(result, key(name), value);
  return result;
};

// Keyed by the schema's text: the chat builds a fresh spec list per call, and Ajv keeps every schema it compiled.
const MAX_CACHED = 256;
const compiled = new Map<string, { validators: Validators; schemas: object[] }>();

const validatorsFor = (schema: InputsSchema): Validators => {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached) return cached.validators;
  const { text, typed } = ajvEngines();
  const keyed = ajvKeyed(schema);
  const textOnly = { ...keyed, required: [] };
  const validators = { text: text.compile(textOnly), typed: typed.compile(keyed) };
  if (compiled.size >= MAX_CACHED) {
    const [oldest, entry] = compiled.entries().next().value as [string, { schemas: object[] }];
    compiled.delete(oldest);
    text.removeSchema(entry.schemas[0]);
    typed.removeSchema(entry.schemas[1]);
  }
  compiled.set(key, { validators, schemas: [textOnly, keyed] });
  return validators;
};

/** A value in a message: its JSON, cut short; a value nested too deep to print is only described. */
const shown = (value: unknown): string => {
  let text: string;
  try {
    text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? 'null');
  } catch {
    return 'a value nested too deep to show';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Text for an object or array input is JSON; when it does not parse it stays text, and the type check says so. */
const prepareText = (spec: InputSpec | undefined, text: string): unknown => {
  const type = spec && inputType(spec);
  if (type !== 'object' && type !== 'array') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const nameOf = (error: ErrorObject): string => {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const [, first = ''] = error.instancePath.split('/');
  return inputName(
    params.missingProperty ?? params.additionalProperty ?? first.replace(/~1/g, '/').replace(/~0/g, '~'),
  );
};

interface Context {
  specs: Map<string, InputSpec>;
  /** name → what was given: text as typed, or a typed value. */
  given: Map<string, { text: string } | { value: unknown }>;
}

/** What was given, as the user wrote it: the text as typed, or the JSON of a typed value. */
const givenOf = (context: Context, name: string): string | undefined => {
  const given = context.given.get(name);
  return given === undefined ? undefined : 'text' in given ? given.text : shown(given.value);
};

/** The same as JSON, for messages: "5" typed in reads like "5" sent as a string. */
const shownOf = (context: Context, name: string): string | undefined => {
  const given = context.given.get(name);
  return given === undefined ? undefined : shown('text' in given ? given.text : given.value);
};

const wrongValue = (context: Context, name: string, expected: string, code: InputProblemCode): InputProblem => {
  const spec = context.specs.get(name);
  const given = givenOf(context, name);
  const shownValue = shownOf(context, name);
  const example = spec?.default === undefined ? undefined : asText(spec.default);
  const what = spec?.type ? `${name} is declared ${spec.type}; give ${expected}` : `${name} takes ${expected}`;
  return {
    code,
    input: name,
    ...(spec?.type ? { declared: spec.type } : {}),
    expected,
    ...(given !== undefined ? { given } : {}),
    ...(example !== undefined ? { example } : {}),
    message: `${what}${shownValue !== undefined ? ` (got ${shownValue})` : ''}`,
    fix: `give ${expected}${example !== undefined ? `, e.g. ${example}` : ''}`,
  };
};

const problemOf = (context: Context, error: ErrorObject): InputProblem => {
  const name = nameOf(error);
  const spec = context.specs.get(name);
  switch (error.keyword) {
    case 'required': {
      const about = spec?.description ? ` (${spec.description})` : '';
      return {
        code: 'missing-input',
        input: name,
        ...(spec?.type ? { declared: spec.type } : {}),
        message: `missing required input ${name}${about}`,
        fix: `give a value for ${name}`,
      };
    }
    case 'additionalProperties': {
      const names = [...context.specs.keys()];
      const hint = didYouMean(name, names) ?? `declared inputs: ${names.join(', ')}`;
      return {
        code: 'unknown-input',
        input: name,
        ...(context.given.has(name) ? { given: givenOf(context, name) } : {}),
        expected: names.join(', '),
        message: `the workflow declares no input ${name} (${hint})`,
        fix: hint,
      };
    }
    case 'enum':
      return wrongValue(context, name, `one of ${(spec?.enum ?? []).map(asText).join(', ')}`, 'input-type');
    case 'type': {
      const type = spec && inputType(spec);
      return wrongValue(context, name, type ? EXPECTED[type] : String(error.message), 'input-type');
    }
    default:
      return wrongValue(context, name, `a value that ${error.message ?? 'fits the schema'}`, 'input-type');
  }
};

/** Checks the given inputs; on success the values the run gets, typed, with the defaults filled in. */
export function checkInputs(workflow: Pick<Workflow, 'inputs'>, given: GivenInputs): CheckedInputs {
  const schema = inputSchema(workflow);
  const validators = validatorsFor(schema);
  const context: Context = { specs: new Map(workflow.inputs.map((spec) => [spec.name, spec])), given: new Map() };
  const problems = new Map<string, InputProblem>();
  const report = (problem: InputProblem) => {
    if (!problems.has(problem.input)) problems.set(problem.input, problem);
  };

  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given.json ?? {})) {
    if (value === undefined) continue;
    setOwnField(values, name, value);
    context.given.set(name, { value });
  }
  const typedIn: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(given.text ?? {})) {
    if (text.trim() === '') continue;
    setOwnField(typedIn, name, prepareText(context.specs.get(name), text));
    context.given.set(name, { text });
  }
  const coerced = rekeyed(typedIn, ajvKey);
  if (!validators.text(coerced)) for (const error of validators.text.errors ?? []) report(problemOf(context, error));
  for (const [name, value] of Object.entries(rekeyed(coerced, inputName))) {
    if (problems.has(name)) delete values[name];
    else setOwnField(values, name, value);
  }
  // JSON reads 1e400 as Infinity (and so does the coercion of "1e400"), which would be stored as null.
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      report({
        ...wrongValue(context, name, 'a number JSON can hold', 'input-range'),
        message: `${name} is too large to be a number (got ${shownOf(context, name)})`,
      });
    }
  }
  const typed = rekeyed(values, ajvKey);
  if (!validators.typed(typed)) for (const error of validators.typed.errors ?? []) report(problemOf(context, error));
  return problems.size > 0
    ? { ok: false, problems: [...problems.values()] }
    : { ok: true, values: rekeyed(typed, inputName) };
}
