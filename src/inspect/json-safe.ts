// Turns anything XState hands an inspector into plain JSON: no functions, no actor refs, no cycles, secrets scrubbed.
import type { Redactor } from '../util/redact.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JsonSafeOptions {
  redact: Redactor;
  /** Deeper values become "[…]". */
  maxDepth?: number;
  /** Longer strings are cut (after redaction, so a secret is never half-shown). */
  maxString?: number;
  /** Longer arrays keep their first items and a count of the rest. */
  maxItems?: number;
}

const isActorRef = (value: object): value is { id?: unknown; sessionId: string } =>
  'sessionId' in value && typeof (value as { send?: unknown }).send === 'function';

export function toJsonSafe(value: unknown, options: JsonSafeOptions): JsonValue {
  const maxDepth = options.maxDepth ?? 12;
  const maxString = options.maxString ?? 4000;
  const maxItems = options.maxItems ?? 200;
  const seen = new WeakSet<object>();

  const text = (raw: string): string => {
    const scrubbed = options.redact(raw);
    return scrubbed.length > maxString
      ? `${scrubbed.slice(0, maxString)}… (${scrubbed.length - maxString} more characters)`
      : scrubbed;
  };

  const walk = (current: unknown, depth: number): JsonValue | undefined => {
    if (current === null) return null;
    switch (typeof current) {
      case 'string':
        return text(current);
      case 'number':
        return Number.isFinite(current) ? current : String(current);
      case 'boolean':
        return current;
      case 'bigint':
        return current.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    const object = current as object;
    if (isActorRef(object)) return `[actor ${String(object.id ?? object.sessionId)}]`;
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
    if (depth >= maxDepth) return '[…]';
    if (seen.has(object)) return '[circular]';
    seen.add(object);
    try {
      if (Array.isArray(object) || object instanceof Set) {
        const items = [...object];
        const kept = items.slice(0, maxItems).map((item) => walk(item, depth + 1) ?? null);
        return items.length > maxItems ? [...kept, `… ${items.length - maxItems} more`] : kept;
      }
      const entries =
        object instanceof Map
          ? [...object.entries()].map(([key, entry]) => [String(key), entry] as const)
          : Object.entries(object);
      const result: { [key: string]: JsonValue } = {};
      if (object instanceof Error) {
        result.name = text(object.name);
        result.message = text(object.message);
      }
      for (const [key, entry] of entries) {
        const safe = walk(entry, depth + 1);
        if (safe !== undefined) result[text(key)] = safe;
      }
      return result;
    } finally {
      seen.delete(object);
    }
  };

  return walk(value, 0) ?? null;
}
