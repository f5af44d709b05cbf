import { EMAIL_PATTERN, moneyInText } from './payment-details.ts';
import type { JsonSchema } from './types.ts';

type Extractor = (text: string, schema: JsonSchema) => unknown;

/** Property-name patterns and how to find such a value in the user's words, first match wins. */
const EXTRACTORS: Array<[RegExp, Extractor]> = [
  [/email/, (text) => text.match(EMAIL_PATTERN)?.[0]],
  [/payment_?intent|intent_?id/, (text) => text.match(/\bpi_[A-Za-z0-9]+/)?.[0]],
  [/customer/, (text) => text.match(/\bcus_[A-Za-z0-9]+/)?.[0]],
  [/payment_?method/, (text) => text.match(/\bpm_[A-Za-z0-9_]+/)?.[0]],
  [/currency/, (text) => moneyInText(text).currency ?? text.match(/\b(usd|eur|gbp|jpy)\b/i)?.[1].toLowerCase()],
  [/amount|price|total|cost/, (text) => moneyInText(text).amount ?? numberAfter(text, 'amount')],
  [
    /run_?id/,
    (text) =>
      text.match(/\b(?:run_[A-Za-z0-9-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i)?.[0],
  ],
  [/workflow|sop/, (text) => workflowName(text)],
  [/^(query|text|message|prompt|question)$/, (text) => text.trim() || undefined],
];

/**
 * Fills a tool's input from the user's text: `name=value` pairs, enum values mentioned, and
 * values recognised by property name (emails, `$25` → 2500 + usd, `pi_...`, workflow names).
 */
export function fillToolInput(schema: JsonSchema | undefined, text: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const value = valueFor(name, property, text);
    if (value !== undefined) input[name] = value;
  }
  return input;
}

function valueFor(name: string, schema: JsonSchema, text: string): unknown {
  const type = primaryType(schema);
  const explicit = text.match(new RegExp(String.raw`\b${escape(name)}\s*[=:]\s*("[^"]*"|'[^']*'|\S+)`, 'i'))?.[1];
  if (explicit !== undefined) return coerce(explicit.replace(/^["']|["'.,;]$/g, ''), type);
  const mentioned = schema.enum?.find((option) => typeof option === 'string' && mentions(text, option));
  if (mentioned !== undefined) return mentioned;
  if (type === 'object') return objectValue(schema, text);
  const key = name.toLowerCase();
  const found = EXTRACTORS.find(([pattern]) => pattern.test(key))?.[1](text, schema);
  if (found === undefined) return undefined;
  return type === 'string' ? String(found) : found;
}

/** A declared object is filled property by property; a free-form one (e.g. `inputs`) from `k=v` pairs. */
function objectValue(schema: JsonSchema, text: string): Record<string, unknown> | undefined {
  const value = schema.properties ? fillToolInput(schema, text) : freeForm(text);
  return Object.keys(value).length > 0 ? value : undefined;
}

function freeForm(text: string): Record<string, unknown> {
  const pairs = [...text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s,;]+)/g)];
  const values: Record<string, unknown> = Object.fromEntries(
    pairs.map(([, key, raw]) => [key, coerce(raw.replace(/^["']|["']$/g, ''))]),
  );
  const email = text.match(EMAIL_PATTERN)?.[0];
  if (email && values.email === undefined) values.email = email;
  const money = moneyInText(text);
  if (money.amount !== undefined && values.amount === undefined) Object.assign(values, money);
  return values;
}

function workflowName(text: string): string | undefined {
  const quoted = text.match(/["'`]([^"'`\s]+)["'`]/)?.[1];
  if (quoted) return quoted;
  const file = text.match(/\b([\w-]+)\.osop(?:\.ya?ml|\.json)?\b/)?.[1];
  if (file) return file;
  const identifier = text.match(/\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b/)?.[0];
  if (identifier && !/^(pi|cus|pm|run)_/.test(identifier)) return identifier;
  return text.match(/\b(?:workflow|run|start)\s+(?:the\s+)?([\w-]+)/i)?.[1];
}

/** The option itself, or another form of its word: "approve" and "approving" mention `approved`, "reject" `rejected`. */
function mentions(text: string, option: string): boolean {
  if (new RegExp(String.raw`\b${escape(option)}\b`, 'i').test(text)) return true;
  const base = option.replace(/e?d$/i, '');
  return base.length >= 4 && base !== option && new RegExp(String.raw`\b${escape(base)}\w{0,3}\b`, 'i').test(text);
}

function numberAfter(text: string, word: string): number | undefined {
  const match = text.match(new RegExp(String.raw`\b${word}\s*(?:of\s*)?(\d+)\b`, 'i'));
  return match ? Number(match[1]) : undefined;
}

function primaryType(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return type ?? (schema.properties ? 'object' : undefined);
}

function coerce(raw: string, type?: string): unknown {
  if (type === 'string') return raw;
  if ((type === 'integer' || type === 'number' || type === undefined) && /^-?\d+(\.\d+)?$/.test(raw))
    return Number(raw);
  if ((type === 'boolean' || type === undefined) && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
