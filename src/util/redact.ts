// The one redactor: every masking rule sopstate applies to what a run emits (events, errors, the .osoplog,
// stored snapshots, error texts built from what a server answered). Pure: no I/O.
// Copy on write: what holds no secret comes back as the same object, so callers can redact freely.
import { setOwnField } from './own-field.ts';

export interface Redactor {
  <T>(value: T): T;
  /** The rules it applies, for a stream masker over the same secrets. */
  readonly masking: Masking;
}

const MIN_LENGTH = 4;

/** Output fields whose value is a secret whatever it is (a hook: e.g. Stripe's `client_secret`). */
const SECRET_FIELDS: readonly RegExp[] = [];

/** Node's messages quote URLs with `user:password@` in them. */
export const maskUserInfo = (text: string): string => text.replace(/\/\/[^/@\s]+@/g, '//[redacted]@');

/**
 * Every form a secret travels in: raw, URL-encoded, form-encoded (space → +), JSON-escaped, base64. A lone surrogate
 * (JSON can carry one) is U+FFFD once encoded, as fetch, URLSearchParams and Buffer send it; encodeURIComponent would
 * throw on it instead, and a node whose answer held such a secret failed after its call had acted.
 */
function encodedForms(value: string): string[] {
  const forms = [
    value,
    encodeURIComponent(value.toWellFormed()),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  forms.push(base64, base64.replace(/=+$/, ''), base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  return [...new Set(forms)].filter((form) => form.length >= MIN_LENGTH);
}

export interface Masking {
  /** Longest form first: [form, mask]. */
  needles: ReadonlyArray<readonly [string, string]>;
  /**
   * The needles a text holding any needle must hold (those with no other needle inside them: `Bearer sk_x` holds
   * `sk_x`, a padded base64 form its unpadded one), shortest first: what a search for "is anything here?" needs.
   */
  probes: readonly string[];
  secretFields: readonly RegExp[];
}

/** `secrets` are name → value; a value shorter than 4 characters is not masked (it would blank out numbers). */
function maskingFor(secrets: Record<string, string>, options: RedactorOptions = {}): Masking {
  const needles: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== 'string' || value.length < MIN_LENGTH || seen.has(value)) continue;
    // The same value under two names (a client_secret in two outputs) is masked by the first: one search, not two.
    seen.add(value);
    const mask = options.mask?.(name) ?? `[secret ${name}]`;
    for (const form of encodedForms(value)) needles.push([form, mask]);
  }
  needles.sort((left, right) => right[0].length - left[0].length);
  const probes: string[] = [];
  for (const [form] of [...needles].reverse()) if (!probes.some((probe) => form.includes(probe))) probes.push(form);
  return { needles, probes, secretFields: SECRET_FIELDS };
}

/**
 * One native substring search per needle (V8's `includes` skips ahead by the needle's length): a few needles over a
 * few KB cost about a microsecond. An alternation RegExp of the needles was no faster on such texts, and a run built
 * new ones (7 per seed run: each redactor made for a run compiled its own), which made redaction 0.7 ms of a run.
 */
function holdsNeedle(masking: Masking, text: string): boolean {
  const { probes } = masking;
  if (probes.length === 0 || text.length < probes[0].length) return false;
  for (const probe of probes) if (text.includes(probe)) return true;
  return false;
}

function maskText(masking: Masking, text: string): string {
  const { needles } = masking;
  if (!holdsNeedle(masking, text)) return text;
  let result = text;
  for (const [needle, mask] of needles) if (result.includes(needle)) result = result.split(needle).join(mask);
  return result;
}

/** Needles JSON.stringify writes as they are (no quote, backslash, control character or lone surrogate). */
const writtenAsIs = (needle: string): boolean => JSON.stringify(needle).length === needle.length + 2;

/**
 * While set, a value being redacted and its JSON text (redactSerialized): a redactor handed that very value searches
 * the text for its needles instead of walking the value. Set only for one synchronous call, so nothing can change
 * the value between its serialization and the search.
 */
let serialized: { value: unknown; json: string } | undefined;

/**
 * `redact(value)`, with `value` serialized once up front: every redactor `redact` calls on it (one per secret
 * source) looks for its secrets in that one text, and walks the value only when one is there. Also gives the JSON
 * text when nothing was masked (the value came back as it was), for the caller to reuse.
 * What JSON.stringify leaves out is not searched: keys whose value is undefined or a function, and what a plain
 * object's own toJSON() hides. Events, outputs and snapshots are JSON data, which has neither.
 */
export function redactSerialized<T>(value: T, redact: (value: T) => T): { value: T; json?: string } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'string') return { value: redact(value) };
  const outer = serialized;
  serialized = { value, json };
  try {
    const redacted = redact(value);
    return redacted === value ? { value, json } : { value: redacted };
  } finally {
    serialized = outer;
  }
}

function buildRedactor(masking: Masking): Redactor {
  if (masking.needles.length === 0 && masking.secretFields.length === 0)
    return Object.assign(<T>(value: T) => value, { masking });
  const scrubText = (text: string) => maskText(masking, text);
  const isSecretField = (key: string) => masking.secretFields.some((pattern) => pattern.test(key));
  // A needle JSON writes as it is appears in a value's JSON text exactly when it appears in one of its strings.
  const searchable = masking.secretFields.length === 0 && masking.needles.every(([needle]) => writtenAsIs(needle));
  const clean = (json: string) => !holdsNeedle(masking, json);

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
      const value = record[key];
      const entry = typeof value === 'string' && isSecretField(key) ? `[secret ${key}]` : scrub(value);
      if (!changed && (cleanKey !== key || entry !== value))
        changed = keys.slice(0, index).map((before) => [before, record[before]]);
      changed?.push([cleanKey, entry]);
    });
    return changed ? Object.fromEntries(changed) : record;
  };

  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) return scrubArray(value);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
      return scrubObject(value as Record<string, unknown>);
    return value;
  };
  // Searching one JSON text natively beats walking a value and testing every needle against each of its strings.
  const isClean = (value: unknown): boolean => {
    if (!searchable || value === null || typeof value !== 'object') return false;
    if (serialized?.value === value) return clean(serialized.json);
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      return false;
    }
    return typeof json === 'string' && clean(json);
  };
  return Object.assign(<T>(value: T) => (isClean(value) ? value : (scrub(value) as T)), { masking });
}

/**
 * Applies `redactors` in turn, with the masking of the first (the one a stream masker uses). An object is serialized
 * once for all of them (see redactSerialized), not once by each.
 */
export function chainRedactors(masking: Masking, ...redactors: ReadonlyArray<<T>(value: T) => T>): Redactor {
  const apply = <T>(value: T): T => redactors.reduce((current, redact) => redact(current), value);
  return Object.assign(
    <T>(value: T): T =>
      value === null || typeof value !== 'object' || serialized?.value === value
        ? apply(value)
        : redactSerialized(value, apply).value,
    { masking },
  );
}

/** Redactors are pure: one per set of secrets (and mask rule) serves every run that has the same ones. */
const redactors = new Map<string, Redactor>();
const redactorsByMask = new WeakMap<(name: string) => string, Map<string, Redactor>>();
const MAX_REDACTORS = 256;

const redactorsFor = (mask: ((name: string) => string) | undefined): Map<string, Redactor> => {
  if (!mask) return redactors;
  let known = redactorsByMask.get(mask);
  if (!known) redactorsByMask.set(mask, (known = new Map()));
  return known;
};

export interface RedactorOptions {
  /** The mask put in place of the secret `name` (default `[secret name]`). */
  mask?: (name: string) => string;
  /**
   * Secrets that are new for every run (a payment's client_secret): their redactor is not kept for later runs, which
   * could never use it. Default false: the same secrets come back run after run.
   */
  once?: boolean;
}

export function createRedactor(secrets: Record<string, string>, options: RedactorOptions = {}): Redactor {
  if (options.once) return buildRedactor(maskingFor(secrets, options));
  // The object's JSON names its entries in Object.entries' order: the same key for the same secrets.
  const key = JSON.stringify(secrets);
  const known = redactorsFor(options.mask);
  let redactor = known.get(key);
  if (!redactor) {
    if (known.size >= MAX_REDACTORS) known.clear();
    known.set(key, (redactor = buildRedactor(maskingFor(secrets, options))));
  }
  return redactor;
}

/** Masks bare values (no names) as `[redacted]`: credentials a node sent, in the error text built from the answer. */
const REDACTED = () => '[redacted]';
const redactValues = (values: readonly string[]): Redactor =>
  createRedactor(Object.fromEntries(values.map((value, index) => [String(index), value])), { mask: REDACTED });

/** Masks the credentials a node sent (in every encoded form) in text or JSON built from what a server answered. */
export const maskCredentials = <T>(value: T, credentials: readonly string[]): T =>
  credentials.length === 0 ? value : redactValues(credentials)(value);

const CREDENTIAL_HEADER = /auth|key|token|secret|cookie|signature|password/i;

const SHOWN_ANYWAY = new Set(['idempotency-key', 'idempotent-replayed']);

/** Header names by whether they bear a credential: every call sends and gets the same few names. */
const credentialHeaders = new Map<string, boolean>();
const MAX_HEADER_NAMES = 1024;

const isCredentialHeader = (name: string): boolean => {
  let credential = credentialHeaders.get(name);
  if (credential === undefined) {
    credential = CREDENTIAL_HEADER.test(name) && !SHOWN_ANYWAY.has(name.toLowerCase());
    // Names come from the servers called: a server inventing new ones must not grow this without end.
    if (credentialHeaders.size >= MAX_HEADER_NAMES) credentialHeaders.clear();
    credentialHeaders.set(name, credential);
  }
  return credential;
};

/**
 * Values of credential-bearing headers, and the token part of `Bearer x` / `Basic x`. Not the Idempotency-Key: it is
 * no secret, and as a new value per call it made a new redactor per call.
 */
export const credentialValues = (headers: Record<string, string>): string[] => {
  const values: string[] = [];
  for (const name of Object.keys(headers)) {
    if (!isCredentialHeader(name)) continue;
    const value = headers[name];
    if (value.length >= MIN_LENGTH) values.push(value);
    const words = value.split(/\s+/);
    for (let index = 1; index < words.length; index++) if (words[index].length >= MIN_LENGTH) values.push(words[index]);
  }
  return values;
};

/** Headers fit to show in an event: credential-bearing ones are left out (Idempotency-Key stays: it is no secret). */
export const shownHeaders = (headers: Record<string, string>): Record<string, string> => {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    if (isCredentialHeader(name)) continue;
    setOwnField(shown, name, headers[name]);
  }
  return shown;
};

/**
 * Masks text that arrives in chunks (agent.delta): a secret split across chunks is masked whole. Holds back
 * at most the longest masked form minus one character — only while the text so far ends like the start of a secret.
 */
export function createStreamMasker(masking: Masking): { push(chunk: string): string; flush(): string } {
  const forms = masking.needles.map(([form]) => form);
  const longest = forms[0]?.length ?? 0;
  let pending = '';
  const heldBack = (text: string): number => {
    for (let size = Math.min(longest - 1, text.length); size > 0; size--) {
      const tail = text.slice(text.length - size);
      if (forms.some((form) => form.length > size && form.startsWith(tail))) return size;
    }
    return 0;
  };
  return {
    push(chunk) {
      const text = maskText(masking, pending + chunk);
      const hold = heldBack(text);
      pending = text.slice(text.length - hold);
      return text.slice(0, text.length - hold);
    },
    flush() {
      const rest = maskText(masking, pending);
      pending = '';
      return rest;
    },
  };
}
