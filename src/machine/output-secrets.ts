// Secrets that arrive in node outputs (Stripe's client_secret, every `*_secret` field): masked in everything the run
// keeps or shows — events, context, snapshot, .osoplog — and put back only where a later node's runtime uses them.
import { createRedactor, type Redactor } from './redact.ts';

/** The rule deciding which output fields hold a secret; a field of that name anywhere in the outputs counts. */
export const isSecretField = (key: string): boolean => /(^|_)secret$/i.test(key);

const MIN_LENGTH = 4;

type Json = unknown;

/** Copy on write: `map` turns each string; what does not change comes back as the same object. */
function mapStrings(value: Json, map: (text: string) => string): Json {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) {
    const mapped = value.map((entry) => mapStrings(entry, map));
    return mapped.some((entry, index) => entry !== value[index]) ? mapped : value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, Json>);
    const mapped = entries.map(([key, entry]) => [key, mapStrings(entry, map)] as const);
    return mapped.some(([, entry], index) => entry !== entries[index][1]) ? Object.fromEntries(mapped) : value;
  }
  return value;
}

export class OutputSecrets {
  /** Mask → value. */
  readonly #values = new Map<string, string>();
  #redactor: Redactor = (value) => value;

  /** `outputs` with every secret field of `node` replaced by its mask; the values are remembered for this run. */
  mask(node: string, outputs: Record<string, unknown>): Record<string, unknown> {
    let learned = false;
    const walk = (value: Json, path: string): Json => {
      if (Array.isArray(value)) return value.map((entry, index) => walk(entry, `${path}[${index}]`));
      if (!value || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value as Record<string, Json>).map(([key, entry]) => {
          const at = `${path}.${key}`;
          if (!isSecretField(key) || typeof entry !== 'string' || entry.length < MIN_LENGTH) return [key, walk(entry, at)];
          const mask = `[secret ${at}]`;
          if (this.#values.get(mask) !== entry) (this.#values.set(mask, entry), (learned = true));
          return [key, mask];
        }),
      );
    };
    const masked = walk(outputs, node) as Record<string, unknown>;
    if (learned) this.#rebuild();
    // A value copied into a field with another name (e.g. `data.client_secret` and `client_secret`) is masked too.
    return this.#redactor(masked);
  }

  /** Masks every remembered value wherever it appears (URLs, messages, other outputs). */
  readonly redact: Redactor = (value) => this.#redactor(value);

  /** The real values back in place of their masks, for a runtime about to be executed. */
  unmask<T>(value: T): T {
    if (this.#values.size === 0) return value;
    return mapStrings(value, (text) => {
      if (!text.includes('[secret ')) return text;
      let result = text;
      for (const [mask, secret] of this.#values) if (result.includes(mask)) result = result.split(mask).join(secret);
      return result;
    }) as T;
  }

  #rebuild(): void {
    const byName = Object.fromEntries([...this.#values].map(([mask, secret]) => [mask.slice('[secret '.length, -1), secret]));
    this.#redactor = createRedactor(byName);
  }
}
