// Node outputs live in the persisted snapshot, so they must be plain JSON. Most already are (parsed HTTP bodies):
// those are kept as they are, anything else goes through a JSON round trip.

const MAX_DEPTH = 64;

function isPlain(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!isPlain(value[index], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return false;
  for (const key in value) if (!isPlain((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

/** `value` itself when JSON.parse(JSON.stringify(value)) would give an equal value, else that copy. */
export function toPlainJson<T>(value: T): T {
  return isPlain(value, 0) ? value : (JSON.parse(JSON.stringify(value)) as T);
}
