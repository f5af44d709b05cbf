/** A plain object (not null, not an array): what YAML maps, JSON objects and request bodies parse to. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
