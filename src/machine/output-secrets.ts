// Secrets that arrive in node outputs (Stripe's client_secret, every `*_secret` field): masked in everything the run
// keeps or shows — events, context, snapshot, .osoplog — and put back only where a later node's runtime uses them.
import { createRedactor, type Redactor } from '../util/redact.ts';

/** The rule deciding which output fields hold a secret; a field of that name anywhere in the outputs counts. */
const isSecretField = (key: string): boolean => /(^|_)secret$/i.test(key);

const MIN_LENGTH = 4;

/**
 * `[secret <node>.<field path>]`, what mask() puts in place of a value. Always dotted: a run secret's mask
 * (`[secret DEPLOY_TOKEN]`, e.g. in a command's echoed output) is not ours to put back and stays as it is.
 */
const MASK = /\[secret ([^\]\s.]+\.[^\]\s]+)\]/g;

/** A later node references a secret output whose value was not kept (it lives only in the process that got it). */
export class LostSecretError extends Error {
  constructor(readonly fields: string[]) {
    const [first] = fields;
    super(
      `the value of ${fields.join(', ')} is not kept across a restart (secret outputs live only in memory); ` +
        `start a new run, or fetch a fresh value in this one (e.g. a node reading ${first.split('.')[0]} again)`,
    );
    this.name = 'LostSecretError';
  }
}

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
  /**
   * Every value seen, with the field it was first seen in: a value seen before (under another mask) needs no new
   * redactor, and one a re-visit replaced stays masked.
   */
  readonly #known = new Map<string, string>();
  #redactor: Redactor = createRedactor({});

  /**
   * `outputs` with every secret field of `node` replaced by its mask; the values are remembered for this run. A value
   * copied into a field with another name (`data.client_secret` and `client_secret`) is masked by `redact`, which
   * every caller applies next (the run's redactor, with the event or the outputs it keeps).
   */
  mask(node: string, outputs: Record<string, unknown>): Record<string, unknown> {
    let learned = false;
    // Copy on write, like mapStrings: outputs with no secret field come back as they are.
    const walk = (value: Json, path: string): Json => {
      if (Array.isArray(value)) {
        const mapped = value.map((entry, index) =>
          entry && typeof entry === 'object' ? walk(entry, `${path}[${index}]`) : entry,
        );
        return mapped.some((entry, index) => entry !== value[index]) ? mapped : value;
      }
      if (!value || typeof value !== 'object') return value;
      const record = value as Record<string, Json>;
      let copy: Record<string, Json> | undefined;
      for (const key of Object.keys(record)) {
        const entry = record[key];
        let next: Json = entry;
        if (isSecretField(key) && typeof entry === 'string' && entry.length >= MIN_LENGTH) {
          const mask = `[secret ${path}.${key}]`;
          if (this.#values.get(mask) !== entry) {
            this.#values.set(mask, entry);
            if (!this.#known.has(entry)) {
              this.#known.set(entry, `${path}.${key}`);
              learned = true;
            }
          }
          next = mask;
        } else if (entry && typeof entry === 'object') next = walk(entry, `${path}.${key}`);
        // defineProperty, not `=`: a `__proto__` key of parsed JSON is an own field, and must stay one.
        if (next !== entry)
          Object.defineProperty((copy ??= { ...record }), key, {
            value: next,
            writable: true,
            enumerable: true,
            configurable: true,
          });
      }
      return copy ?? value;
    };
    const masked = walk(outputs, node) as Record<string, unknown>;
    if (learned) this.#rebuild();
    return masked;
  }

  /** Masks every remembered value wherever it appears (URLs, messages, other outputs). */
  readonly redact = <T>(value: T): T => this.#redactor(value);

  /**
   * The real values back in place of their masks, for a runtime about to be executed. Throws LostSecretError for a
   * mask whose value this process never saw (the run was resumed after a restart): a mask is never sent anywhere.
   */
  unmask<T>(value: T): T {
    const lost = new Set<string>();
    const unmasked = mapStrings(value, (text) => {
      if (!text.includes('[secret ')) return text;
      return text.replace(MASK, (mask, field: string) => this.#values.get(mask) ?? (lost.add(field), mask));
    }) as T;
    if (lost.size > 0) throw new LostSecretError([...lost]);
    return unmasked;
  }

  #rebuild(): void {
    const byName: Record<string, string> = Object.fromEntries(
      [...this.#values].map(([mask, secret]) => [mask.slice('[secret '.length, -1), secret]),
    );
    // A value a re-visit replaced stays masked, under a name that is never put back (it has a space; see MASK).
    const current = new Set(this.#values.values());
    let replaced = 0;
    for (const [secret, field] of this.#known)
      if (!current.has(secret)) byName[`${field} (replaced ${++replaced})`] = secret;
    this.#redactor = createRedactor(byName, { once: true });
  }
}
