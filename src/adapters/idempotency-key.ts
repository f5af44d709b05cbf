// The Idempotency-Key of one visit of one node: `<run id>:<node id>:<visit>`, or the node's own `idempotency.key`
// resolved; ASCII and at most 255 characters.
import { createHash } from 'node:crypto';

/** Stripe's limit on Idempotency-Key. */
export const MAX_IDEMPOTENCY_KEY = 255;
const HASH_CHARS = 16;

const readable = (text: string): boolean => /^[\x21-\x24\x26-\x7e]*$/.test(text);

/** A UTF-16 code unit of a surrogate pair's half with no other half (JSON and YAML escapes can make one). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Printable ASCII stays as written; anything else (CJK, spaces, `%`...) is percent-encoded UTF-8, so no two ids meet.
 * A lone surrogate has no UTF-8 (encodeURIComponent throws on it): it is written `%uD800`, which no encoded text can
 * contain, since `%` itself is encoded.
 */
const asciiPart = (text: string): string => {
  if (readable(text)) return text;
  let key = '';
  let from = 0;
  // The text between two lone surrogates splits no pair, so each piece encodes.
  for (const { 0: unit, index } of text.matchAll(LONE_SURROGATE)) {
    key += `${encodeURIComponent(text.slice(from, index))}%u${unit.charCodeAt(0).toString(16).toUpperCase()}`;
    from = index + 1;
  }
  return key + encodeURIComponent(text.slice(from));
};

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_CHARS);

/**
 * A function of (run id, node id, visit) alone, so every retry and every resume of a visit sends the same key.
 * Too long a key keeps the start of each part and ends it with a hash of the whole id.
 */
export function idempotencyKeyFor(runId: string, nodeId: string, visit: number): string {
  const run = asciiPart(runId);
  const node = asciiPart(nodeId);
  const suffix = `:${visit}`;
  const whole = `${run}:${node}${suffix}`;
  if (whole.length <= MAX_IDEMPOTENCY_KEY) return whole;
  const shorten = (part: string, source: string, room: number) =>
    part.length <= room ? part : `${part.slice(0, Math.max(0, room - HASH_CHARS - 1))}~${digest(source)}`;
  const shortRun = shorten(run, runId, 100);
  const room = MAX_IDEMPOTENCY_KEY - shortRun.length - 1 - suffix.length;
  return `${shortRun}:${shorten(node, nodeId, room)}${suffix}`;
}

/**
 * A node's own key, its resolved `idempotency.key`: printable ASCII as written, anything else percent-encoded, too long
 * a key cut and ended with a hash of the whole. Undefined when it resolved to nothing (an empty text, null).
 */
export function writtenIdempotencyKey(value: unknown): string | undefined {
  const text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text.trim() === '') return undefined;
  const key = asciiPart(text);
  return key.length <= MAX_IDEMPOTENCY_KEY
    ? key
    : `${key.slice(0, MAX_IDEMPOTENCY_KEY - HASH_CHARS - 1)}~${digest(text)}`;
}
