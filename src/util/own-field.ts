// Fields named by outside data (parsed JSON, HTTP headers, command-line flags): `__proto__` among them.

/**
 * `record[key] = value`, except that a key `__proto__` becomes an own field, as `JSON.parse` and `Object.fromEntries`
 * make it, instead of setting the record's prototype (plain assignment is kept for every other key: it is faster).
 *
 * @example
 * const headers: Record<string, string> = {};
 * setOwnField(headers, '__proto__', 'x'); // Object.keys(headers) → ['__proto__']
 */
export function setOwnField<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}
