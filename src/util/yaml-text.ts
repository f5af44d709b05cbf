// YAML text of plain JSON-like data, byte for byte what `yaml`'s `stringify(value, { lineWidth: 0 })` writes, without
// building its document model (a seed run's .osoplog took ~1.5 ms of the server's CPU in `yaml`, most of it nodes,
// pairs and per-scalar option objects). Only the shapes written here are handled: a non-empty map at the root, plain
// objects, arrays, finite numbers, booleans, null, and strings; a string that is not plainly safe is rendered by `yaml`
// itself (as a map value: one line), a key likewise. Anything else (a shared or cyclic object, which `yaml` would
// anchor; a multi-line scalar; an array in an array; a class instance; undefined in an array; -0, NaN, bigint...)
// makes the whole document go through `yaml`.
import { stringify } from 'yaml';

const OPTIONS = { lineWidth: 0 } as const;

/** Thrown inside the fast path when the value has a shape it does not render exactly like `yaml`. */
class NotHandled extends Error {}

// A plain scalar by `yaml`'s rules (stringifyString's plainString): printable ASCII, no indicator first, no ": ",
// no " #", no trailing space or colon, and nothing the core schema would read as null, a boolean or a number.
const PLAIN_CHARS = /^[A-Za-z0-9_][A-Za-z0-9_./@:+ -]*$/;
const CORE_TYPED =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
const isPlain = (text: string): boolean =>
  PLAIN_CHARS.test(text) &&
  !text.endsWith(' ') &&
  !text.endsWith(':') &&
  !text.includes(': ') &&
  !CORE_TYPED.test(text);

// `yaml` quotes or not a scalar that holds a document marker depending on its depth: left to `yaml`.
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;

const MAX_CACHED = 2000;
/** `yaml`'s own rendering of strings that are not plain (quoted), as values and as keys. */
const quotedValues = new Map<string, string>();
const quotedKeys = new Map<string, string>();

const remember = (cache: Map<string, string>, text: string, rendered: string): string => {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(text, rendered);
  return rendered;
};

// A multi-line string `yaml` writes as a literal block with the strip indicator (`|-`): no control character or
// surrogate, no leading space or newline, no trailing whitespace (those change the header or go quoted).
const LITERAL_CHARS = /^[\x20-\x7e\n\t\u00a0-\ud7ff\ue000-\ufffd]*$/;
const isStrippedLiteral = (text: string): boolean =>
  text.includes('\n') && LITERAL_CHARS.test(text) && /^[^\s]/.test(text) && /[^\s]$/.test(text);

/** `text` as a value; `indent`: a literal block's lines. */
const stringValue = (text: string, indent: string): string => {
  if (isPlain(text)) return text;
  if (isStrippedLiteral(text)) {
    if (DOCUMENT_MARKER.test(text)) throw new NotHandled();
    return `|-\n${indent}${text.replace(/\n+/g, `$&${indent}`)}`;
  }
  const known = quotedValues.get(text);
  if (known !== undefined) return known;
  if (DOCUMENT_MARKER.test(text)) throw new NotHandled();
  const line = stringify({ k: text }, OPTIONS);
  // "k: <scalar>\n": anything on more lines (a block scalar) is left to `yaml` for the whole document.
  if (!line.startsWith('k: ') || line.indexOf('\n') !== line.length - 1) throw new NotHandled();
  return remember(quotedValues, text, line.slice(3, -1));
};

const keyText = (key: string): string => {
  // Long keys become explicit (`? key`) in `yaml`.
  if (key.length <= 200 && isPlain(key)) return key;
  const known = quotedKeys.get(key);
  if (known !== undefined) return known;
  if (DOCUMENT_MARKER.test(key)) throw new NotHandled();
  const line = stringify({ [key]: 1 }, OPTIONS);
  if (line.startsWith('?') || !line.endsWith(': 1\n') || line.indexOf('\n') !== line.length - 1) throw new NotHandled();
  return remember(quotedKeys, key, line.slice(0, -4));
};

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
};

/** A scalar's text (a literal block's lines at `indent`), or undefined for an object or array. */
const scalarText = (value: unknown, indent: string): string | undefined => {
  switch (typeof value) {
    case 'string':
      return stringValue(value, indent);
    case 'number':
      if (!Number.isFinite(value) || Object.is(value, -0)) throw new NotHandled();
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : undefined;
    default:
      throw new NotHandled();
  }
};

class Writer {
  text = '';
  readonly #seen = new Set<object>();

  /** `value` after a key or a dash: a scalar or empty collection on the same line, else a block below at `indent`. */
  value(value: unknown, indent: string): void {
    const scalar = scalarText(value, indent);
    if (scalar !== undefined) {
      this.text += ` ${scalar}\n`;
      return;
    }
    const collection = this.#enter(value as object);
    if (Array.isArray(collection)) {
      if (collection.length === 0) this.text += ' []\n';
      else {
        this.text += '\n';
        this.seq(collection, indent);
      }
    } else if (!Object.keys(collection).some((key) => collection[key] !== undefined)) {
      if (Object.keys(collection).length > 0) throw new NotHandled();
      this.text += ' {}\n';
    } else {
      this.text += '\n';
      this.map(collection, indent, false);
    }
  }

  /** A map's pairs, one a line at `indent`; `inline`: the first pair continues a "- " already written. */
  map(map: Record<string, unknown>, indent: string, inline: boolean): void {
    let first = inline;
    for (const key of Object.keys(map)) {
      const item = map[key];
      if (item === undefined) continue;
      this.text += `${first ? '' : indent}${keyText(key)}:`;
      first = false;
      this.value(item, `${indent}  `);
    }
  }

  seq(items: unknown[], indent: string): void {
    for (const item of items) {
      this.text += `${indent}-`;
      if (item === undefined) throw new NotHandled();
      const scalar = scalarText(item, `${indent}  `);
      if (scalar !== undefined) {
        this.text += ` ${scalar}\n`;
        continue;
      }
      const collection = this.#enter(item as object);
      if (Array.isArray(collection)) {
        if (collection.length > 0) throw new NotHandled();
        this.text += ' []\n';
      } else if (!Object.keys(collection).some((key) => collection[key] !== undefined)) {
        if (Object.keys(collection).length > 0) throw new NotHandled();
        this.text += ' {}\n';
      } else {
        this.text += ' ';
        this.map(collection, `${indent}  `, true);
      }
    }
  }

  /** A collection met for the first time (`yaml` anchors one met twice). */
  #enter(value: object): unknown[] | Record<string, unknown> {
    if (this.#seen.has(value)) throw new NotHandled();
    this.#seen.add(value);
    if (Array.isArray(value)) return value as unknown[];
    if (!isPlainObject(value)) throw new NotHandled();
    return value;
  }
}

const fastYaml = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value)) return undefined;
  if (!Object.keys(value).some((key) => value[key] !== undefined)) return undefined;
  const writer = new Writer();
  try {
    writer.map(value, '', false);
  } catch (error) {
    if (error instanceof NotHandled) return undefined;
    throw error;
  }
  return writer.text;
};

/** `stringify(value, { lineWidth: 0 })` of the `yaml` package, the same text, faster for plain records. */
export const yamlText = (value: unknown): string => fastYaml(value) ?? stringify(value, OPTIONS);
