// `expand[]` per the description's x-expandableFields: checked before the call runs, applied to its answer.
import { invalidRequest } from './errors.ts';
import type { Params } from './form.ts';
import { optionalStringList } from './params.ts';
import type { StripeStore } from './store.ts';
import { stripeTables, type EmulatedObject, type ObjectTable } from './tables.ts';

const MAX_DEPTH = 4;

/** Refuses an expansion the answer's schema does not allow (`returns` is `name` or `list:name`). */
export function checkExpand(params: Params, returns: string): void {
  for (const path of optionalStringList(params, 'expand')) {
    const parts = path.split('.');
    if (parts.length > MAX_DEPTH) {
      const message = `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`;
      throw invalidRequest(message, { param: 'expand' });
    }
    let type: string | null = returns;
    if (returns.startsWith('list:')) {
      if (parts[0] !== 'data') {
        throw invalidRequest(
          `This property cannot be expanded (${parts[0]}). You may want to try expanding 'data.${path}' instead.`,
          { param: 'expand' },
        );
      }
      parts.shift();
      type = returns.slice('list:'.length);
    }
    for (const field of parts) {
      const table: ObjectTable | undefined = type === null ? undefined : stripeTables().objects[type];
      if (!table) break;
      if (!(field in table.expandable)) {
        throw invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
      }
      type = table.expandable[field];
    }
  }
}

/** A copy of `body` with each requested id replaced by its object (ids the sandbox does not hold stay ids). */
export function applyExpand(store: StripeStore, body: unknown, params: Params): unknown {
  const paths = optionalStringList(params, 'expand');
  if (paths.length === 0) return body;
  const copy = structuredClone(body);
  for (const path of paths) expandPath(store, copy, path.split('.'));
  return copy;
}

function expandPath(store: StripeStore, value: unknown, parts: string[]): void {
  if (typeof value !== 'object' || value === null || parts.length === 0) return;
  const record = value as Record<string, unknown>;
  const [field, ...rest] = parts;
  if (record.object === 'list' && field === 'data' && Array.isArray(record.data)) {
    for (const item of record.data) expandPath(store, item, rest);
    return;
  }
  const type = stripeTables().objects[String(record.object)]?.expandable[field];
  const current = record[field];
  if (typeof current === 'string' && type) {
    const found = store.find(type as EmulatedObject, current);
    if (found) record[field] = structuredClone(found);
  }
  expandPath(store, record[field], rest);
}
