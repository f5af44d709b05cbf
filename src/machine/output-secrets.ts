// Secrets that arrive in node outputs (Stripe's client_secret, every `*_secret` field): masked in everything the run
// keeps or shows — events, context, snapshot, .osoplog — and put back only where a later node's runtime uses them.
import { setOwnField } from '../util/own-field.ts';
import { createRedactor, type Redactor } from '../util/redact.ts';

/** The rule deciding which output fields hold a secret; a field of that name anywhere in the outputs counts. */
const isSecretField = (key: string): boolean => /(^|_)secret$/i.test(key);

const MIN_LENGTH = 4;

/**
 * `[secret <node>.<field path>]`, what mask() puts in place of a value; the path has `.key` and `[index]` steps. Always
 * dotted: a run secret's mask (`[secret DEPLOY_TOKEN]`, e.g. in a command's echoed output) is not ours to put back and
 * stays as it is. unmask() puts back the masks it knows by their exact text; this pattern finds the ones it does not.
 */
const MASK_START = '[secret ';
const MASK = /\[secret ([^\]\s.[]+\.(?:[^\]\s[]|\[\d+\])+)\]/y;

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

/** Copy on write: `map` turns each string; what does not change comes back as the same object (no copy made). */
function mapStrings(value: Json, map: (text: string) => string): Json {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) {
    let copy: Json[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const entry = value[index] as Json;
      const next = mapStrings(entry, map);
      if (next !== entry) (copy ??= value.slice())[index] = next;
    }
    return copy ?? value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, Json>;
    let copy: Record<string, Json> | undefined;
    for (const key of Object.keys(record)) {
      const entry = record[key];
      const next = mapStrings(entry, map);
      if (next !== entry) setOwnField((copy ??= { ...record }), key, next);
    }
    return copy ?? value;
  }
  return value;
}

/** `node.a[0].b` from the keys and indexes walked from a node's outputs to a field. */
const fieldPath = (node: string, trail: ReadonlyArray<string | number>): string => {
  let path = node;
  for (const step of trail) path += typeof step === 'number' ? `[${step}]` : `.${step}`;
  return path;
};

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
    // Copy on write, like mapStrings: outputs with no secret field come back as they are. The keys walked are kept
    // on a stack, and a field's path is spelled out only for a secret field.
    const trail: Array<string | number> = [];
    const walk = (value: Json): Json => {
      if (Array.isArray(value)) {
        let copy: Json[] | undefined;
        for (let index = 0; index < value.length; index++) {
          const entry = value[index] as Json;
          if (!entry || typeof entry !== 'object') continue;
          trail.push(index);
          const next = walk(entry);
          trail.pop();
          if (next !== entry) (copy ??= value.slice())[index] = next;
        }
        return copy ?? value;
      }
      if (!value || typeof value !== 'object') return value;
      const record = value as Record<string, Json>;
      let copy: Record<string, Json> | undefined;
      // for…in, not Object.keys: no array of keys made per object walked.
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        const entry = record[key];
        let next: Json = entry;
        if (typeof entry === 'string') {
          if (entry.length < MIN_LENGTH || !isSecretField(key)) continue;
          const field = `${fieldPath(node, trail)}.${key}`;
          const mask = `[secret ${field}]`;
          if (this.#values.get(mask) !== entry) {
            this.#values.set(mask, entry);
            if (!this.#known.has(entry)) {
              this.#known.set(entry, field);
              learned = true;
            }
          }
          next = mask;
        } else if (entry && typeof entry === 'object') {
          trail.push(key);
          next = walk(entry);
          trail.pop();
        }
        if (next !== entry) setOwnField((copy ??= { ...record }), key, next);
      }
      return copy ?? value;
    };
    const masked = walk(outputs) as Record<string, unknown>;
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
    const unmasked = mapStrings(value, (text) => (text.includes(MASK_START) ? this.#putBack(text, lost) : text)) as T;
    if (lost.size > 0) throw new LostSecretError([...lost]);
    return unmasked;
  }

  /** One pass over `text`: each known mask (the longest that starts there) becomes its value; unknown ones go to `lost`. */
  #putBack(text: string, lost: Set<string>): string {
    let result = '';
    let copied = 0;
    for (let at = text.indexOf(MASK_START); at !== -1; at = text.indexOf(MASK_START, at)) {
      let known: string | undefined;
      for (const mask of this.#values.keys())
        if ((known === undefined || mask.length > known.length) && text.startsWith(mask, at)) known = mask;
      if (known !== undefined) {
        result += text.slice(copied, at) + this.#values.get(known)!;
        copied = at += known.length;
        continue;
      }
      MASK.lastIndex = at;
      const unknown = MASK.exec(text);
      if (unknown) lost.add(unknown[1]);
      at += MASK_START.length;
    }
    return copied === 0 ? text : result + text.slice(copied);
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
