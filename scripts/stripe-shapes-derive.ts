// Pure derivation of the sandbox tables from a parsed stripe.oas.json (see scripts/stripe-shapes.ts).
import {
  EMULATED_OBJECTS,
  EMULATED_OPERATIONS,
  NESTED_TEMPLATES,
  type ObjectTable,
  type OperationTable,
  type ParamSpec,
  type StripeTables,
} from '../src/sandbox/stripe/tables.ts';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  'x-expandableFields'?: string[];
};

interface Oas {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/**
 * Fields Stripe leaves out unless expanded (“includable”): the customer's lists and balances, a
 * charge's refunds, and every PaymentMethod type hash but the one of its own type (`card` here).
 */
const INCLUDABLE: Record<string, readonly string[]> = {
  customer: ['cash_balance', 'invoice_credit_balance', 'sources', 'subscriptions', 'tax', 'tax_ids'],
  charge: ['refunds'],
};

export function deriveStripeTables(input: unknown): StripeTables {
  const oas = input as Oas;
  const schemas = oas.components.schemas;
  const deref = (schema: Schema): Schema => (schema.$ref ? deref(schemas[schema.$ref.split('/').pop()!]) : schema);
  const objects: Record<string, ObjectTable> = {};
  for (const name of EMULATED_OBJECTS) objects[name] = objectTable(name, schemas[name], deref);
  const operations: Record<string, OperationTable> = {};
  for (const key of EMULATED_OPERATIONS) {
    const [method, path] = key.split(' ');
    const operation = oas.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`stripe.oas.json has no operation ${key}`);
    operations[key] = { ...operationTable(operation, deref), returns: returnsOf(operation) };
  }
  const nested = Object.fromEntries(
    NESTED_TEMPLATES.map((name) => [name, objectTable(name, schemas[name], deref).template]),
  );
  return { version: oas.info.version, objects, nested, operations };
}

function objectTable(name: string, schema: Schema, deref: (s: Schema) => Schema): ObjectTable {
  const properties = schema.properties ?? {};
  const typeHashes = name === 'payment_method' ? (properties.type?.enum ?? []).filter((t) => t !== 'card') : [];
  const skip = new Set([...(INCLUDABLE[name] ?? []), ...(typeHashes as string[]), ...absentWhenNone(schema)]);
  const template: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(properties)) {
    if (!skip.has(field)) template[field] = defaultOf(spec, deref, 0);
  }
  const expandable: Record<string, string | null> = {};
  for (const field of schema['x-expandableFields'] ?? []) {
    const targets = (properties[field]?.anyOf ?? []).map((option) => option.$ref?.split('/').pop());
    const emulated = targets.find((target) => (EMULATED_OBJECTS as readonly (string | undefined)[]).includes(target));
    expandable[field] = emulated ?? null;
  }
  return { template, expandable };
}

/**
 * An id-or-object field that is neither required nor nullable (a charge's `transfer`, a refund's
 * `failure_balance_transaction`) is left out when there is none, as Stripe leaves it out.
 */
export function absentWhenNone(schema: Schema): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([field, spec]) => !required.has(field) && !spec.nullable && spec.anyOf !== undefined)
    .map(([field]) => field);
}

/** Stripe's value for a field nothing set: null where nullable, else the type's empty value. */
function defaultOf(raw: Schema, deref: (s: Schema) => Schema, depth: number): unknown {
  if (raw.nullable) return null;
  const schema = raw.anyOf?.length === 1 ? deref(raw.anyOf[0]) : deref(raw);
  if (schema.nullable) return null;
  if (schema.enum?.length === 1) return schema.enum[0];
  switch (schema.type) {
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 0;
    case 'string':
      return schema.enum ? schema.enum[0] : '';
    case 'array':
      return [];
    case 'object': {
      if (!schema.properties || depth > 4) return {};
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [field, spec] of Object.entries(schema.properties)) {
        if (required.has(field) || spec.nullable) out[field] = defaultOf(spec, deref, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

/** The object a 200 answers: `customer`, or `list:customer` for a list of them. */
function returnsOf(operation: Operation): string {
  const schema = operation.responses?.['200']?.content?.['application/json']?.schema;
  const refName = (s: Schema | undefined): string | undefined => s?.$ref?.split('/').pop();
  const direct = refName(schema) ?? refName(schema?.anyOf?.[0]);
  if (direct) return direct;
  const item = refName(schema?.properties?.data?.items);
  if (item) return `list:${item}`;
  throw new Error('an emulated operation answers neither an object nor a list of one');
}

function operationTable(operation: Operation, deref: (s: Schema) => Schema): Omit<OperationTable, 'returns'> {
  const body = operation.requestBody?.content['application/x-www-form-urlencoded']?.schema;
  if (body && body.properties && Object.keys(body.properties).length > 0) {
    const spec = paramSpec(body, deref);
    if (spec.t !== 'object') throw new Error('request body is not an object');
    return { params: spec.p ?? {}, required: spec.r ?? [] };
  }
  const query = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
  return {
    params: Object.fromEntries(query.map((parameter) => [parameter.name, paramSpec(parameter.schema, deref)])),
    required: query.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}

function paramSpec(raw: Schema, deref: (s: Schema) => Schema): ParamSpec {
  const schema = deref(raw);
  if (schema.anyOf) {
    const options = schema.anyOf.map((option) => paramSpec(option, deref));
    return options.length === 1 ? options[0] : { t: 'union', u: options };
  }
  switch (schema.type) {
    case 'string':
      return schema.enum ? { t: 'string', e: schema.enum.map(String) } : { t: 'string' };
    case 'integer':
    case 'number':
    case 'boolean':
      return { t: schema.type };
    case 'array':
      return { t: 'array', i: schema.items ? paramSpec(schema.items, deref) : { t: 'any' } };
    case 'object': {
      const spec: ParamSpec = { t: 'object' };
      if (schema.properties && Object.keys(schema.properties).length > 0) {
        spec.p = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, paramSpec(v, deref)]));
      }
      if (schema.required?.length) spec.r = schema.required;
      if (typeof schema.additionalProperties === 'object') spec.free = paramSpec(schema.additionalProperties, deref);
      else if (!schema.properties || schema.additionalProperties === true) spec.free = { t: 'any' };
      return spec;
    }
    default:
      return { t: 'any' };
  }
}
