// Scrubs secret values from anything a run emits: events, error messages, the .osoplog.

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

  const scrubText = (text: string): string => needles.reduce((result, [needle, mask]) => result.split(needle).join(mask), text);
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [scrubText(key), scrub(entry)]));
    }
    return value;
  };
  return <T>(value: T) => scrub(value) as T;
}
