// Stripe-style form encoding: `metadata[k]=v`, `expand[]=x`, `items[0][price]=p`, brackets left readable.
import { stringify } from 'qs';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Arrays of objects become index-keyed objects so qs writes `items[0][price]`; scalar arrays stay `expand[]`. */
const indexObjectArrays = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    const items = value.map(indexObjectArrays);
    return items.some((item) => isPlainObject(item) || Array.isArray(item)) ? { ...items } : items;
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, indexObjectArrays(item)]));
  }
  return value;
};

/** Encodes a body or query object the way Stripe's API expects it (null → empty value, dates → unix seconds). */
export const encodeForm = (data: Record<string, unknown>): string =>
  stringify(indexObjectArrays(data), {
    arrayFormat: 'brackets',
    format: 'RFC3986',
    serializeDate: (date) => String(Math.floor(date.getTime() / 1000)),
  })
    .replace(/%5B/g, '[')
    .replace(/%5D/g, ']');
