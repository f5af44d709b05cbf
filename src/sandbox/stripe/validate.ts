// Checks a request's parameters against the operation's schema in Stripe's OpenAPI description,
// answering with Stripe's error forms (parameter_unknown, parameter_missing, parameter_invalid_*).
import { invalidRequest, parameterMissing, StripeHttpError, unknownParameter } from './errors.ts';
import type { Params } from './form.ts';
import type { OperationTable, ParamSpec } from './tables.ts';

export function validateParams(params: Params, table: OperationTable): void {
  for (const [key, value] of Object.entries(params)) {
    const spec = table.params[key];
    if (!spec) throw unknownParameter(key);
    check(value, spec, key);
  }
  for (const key of table.required) if (params[key] === undefined) throw parameterMissing(key);
}

function check(value: unknown, spec: ParamSpec, name: string): void {
  switch (spec.t) {
    case 'any':
      return;
    case 'string':
      return checkString(value, spec.e, name);
    case 'integer':
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return;
      throw invalidRequest(`Invalid integer: ${shown(value)}`, { code: 'parameter_invalid_integer', param: name });
    case 'number':
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return;
      throw invalidRequest(`Invalid decimal: ${shown(value)}`, { param: name });
    case 'boolean':
      if (value === 'true' || value === 'false') return;
      throw invalidRequest(`Invalid boolean: ${shown(value)}`, { param: name });
    case 'array':
      return checkArray(value, spec.i, name);
    case 'object':
      return checkObject(value, spec, name);
    case 'union':
      return checkUnion(value, spec.u, name);
  }
}

function checkString(value: unknown, allowed: string[] | undefined, name: string): void {
  if (typeof value !== 'string') {
    throw invalidRequest(`Invalid string: ${shown(value)}`, { code: 'parameter_invalid_string', param: name });
  }
  if (allowed && !allowed.includes(value)) {
    if (value === '') throw emptyString(name);
    throw invalidRequest(`Invalid ${name}: must be one of ${oneOf(allowed)}`, { param: name });
  }
  if (!allowed && value === '') throw emptyString(name);
}

function checkArray(value: unknown, item: ParamSpec, name: string): void {
  const list = Array.isArray(value) ? value : numericKeyed(value);
  if (!list) throw invalidRequest(`Invalid array`, { param: name });
  list.forEach((entry, index) => check(entry, item, `${name}[${index}]`));
}

function checkObject(value: unknown, spec: Extract<ParamSpec, { t: 'object' }>, name: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('Invalid object', { param: name });
  }
  const record = value as Record<string, unknown>;
  for (const [key, entry] of Object.entries(record)) {
    const named = spec.p?.[key];
    const inner = named ?? spec.free;
    if (!inner) throw unknownParameter(`${name}[${key}]`);
    // A free-form entry (metadata[key]) may be empty: that is how Stripe unsets it.
    if (!named && entry === '') continue;
    check(entry, inner, `${name}[${key}]`);
  }
  for (const key of spec.r ?? []) if (record[key] === undefined) throw parameterMissing(`${name}[${key}]`);
}

/** A value passes when one option accepts it; otherwise the error of the option of its own kind. */
function checkUnion(value: unknown, options: ParamSpec[], name: string): void {
  const errors: StripeHttpError[] = [];
  for (const option of options) {
    try {
      check(value, option, name);
      return;
    } catch (error) {
      if (!(error instanceof StripeHttpError)) throw error;
      errors.push(error);
    }
  }
  const kind = typeof value === 'string' ? 'scalar' : Array.isArray(value) ? 'array' : 'object';
  const index = options.findIndex((option) => kindOf(option) === kind);
  throw errors[Math.max(0, index)];
}

function kindOf(spec: ParamSpec): string {
  if (spec.t === 'object' || spec.t === 'array') return spec.t;
  return spec.t === 'union' ? 'union' : 'scalar';
}

function numericKeyed(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([key]) => /^\d+$/.test(key))) return undefined;
  return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, entry]) => entry);
}

function emptyString(name: string): StripeHttpError {
  return invalidRequest(
    `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset. You should remove '${name}' from your request or supply a non-empty value.`,
    { code: 'parameter_invalid_empty', param: name },
  );
}

function oneOf(values: string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}`;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
