import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, readStripeOas, renderTables } from '../../../scripts/stripe-shapes.ts';

describe('the Stripe sandbox tables generated from stripe.oas.json', () => {
  it('are up to date with the description (regenerate with npx tsx scripts/stripe-shapes.ts)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderTables(readStripeOas()));
  });
});
