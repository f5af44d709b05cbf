import { invalidRequest, parameterMissing } from './errors.ts';
import type { Params } from './form.ts';
import type { Metadata } from './types.ts';

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${key} must be a string.`, { param: key });
  return value;
}

export function requiredString(params: Params, key: string): string {
  const value = optionalString(params, key);
  if (value === undefined || value === '') throw parameterMissing(key);
  return value;
}

export function optionalInteger(params: Params, key: string): number | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, { param: key });
  return Number(value);
}

export function requiredInteger(params: Params, key: string): number {
  const value = optionalInteger(params, key);
  if (value === undefined) throw parameterMissing(key);
  return value;
}

export function optionalBoolean(params: Params, key: string): boolean | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${value}`, { param: key });
  return value === 'true';
}

export function optionalStringList(params: Params, key: string): string[] {
  const value = params[key];
  if (value === undefined) return [];
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? Object.values(value)
      : [value];
  if (!list.every((item) => typeof item === 'string')) throw invalidRequest(`Invalid array: ${key}`, { param: key });
  return list as string[];
}

/** Metadata values are strings; an empty string unsets the key, as in Stripe. */
export function applyMetadata(current: Metadata, params: Params): Metadata {
  const value = params.metadata;
  if (value === undefined || value === '') return value === '' ? {} : current;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('Invalid object', { param: 'metadata' });
  }
  const next: Metadata = { ...current };
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw invalidRequest('Invalid string', { param: `metadata[${key}]` });
    if (item === '') delete next[key];
    else next[key] = item;
  }
  return next;
}
