// Scrubs secret values from anything a run emits: events, error messages, the .osoplog.
// Copy on write: what holds no secret comes back as the same object, so callers can redact freely.

export type Redactor = <T>(value: T) => T;

const MIN_LENGTH = 4;

export function createRedactor(secrets: Record<string, string>): Redactor {
  const needles: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== 'string' || value.length < MIN_LENGTH) continue;
    const mask = `[secret ${name}]`;
    for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) needles.push([form, mask]);
  }
  needles.sort((left, right) => right[0].length - left[0].length);
  if (needles.length === 0) return <T>(value: T) => value;
  const shortest = needles[needles.length - 1][0].length;

  const scrubText = (text: string): string => {
    if (text.length < shortest) return text;
    let result = text;
    for (const [needle, mask] of needles) if (result.includes(needle)) result = result.split(needle).join(mask);
    return result;
  };

  const scrubArray = (list: unknown[]): unknown[] => {
    let copy: unknown[] | undefined;
    for (let index = 0; index < list.length; index++) {
      const entry = scrub(list[index]);
      if (entry === list[index]) continue;
      copy ??= list.slice();
      copy[index] = entry;
    }
    return copy ?? list;
  };

  const scrubObject = (record: Record<string, unknown>): Record<string, unknown> => {
    const keys = Object.keys(record);
    let changed: Array<[string, unknown]> | undefined;
    keys.forEach((key, index) => {
      const cleanKey = scrubText(key);
      const entry = scrub(record[key]);
      if (!changed && (cleanKey !== key || entry !== record[key])) changed = keys.slice(0, index).map((before) => [before, record[before]]);
      changed?.push([cleanKey, entry]);
    });
    return changed ? Object.fromEntries(changed) : record;
  };

  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) return scrubArray(value);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return scrubObject(value as Record<string, unknown>);
    return value;
  };
  return <T>(value: T) => scrub(value) as T;
}
