import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PATHS_MODULE, renderPathsModule } from '../../../scripts/stripe-paths.ts';
import { readStripeOas } from '../../../scripts/stripe-shapes.ts';
import { matchStripePath } from '../../../src/adapters/stripe/paths.ts';

describe("the Stripe adapter's path table generated from stripe.oas.json", () => {
  it('is up to date with the description (regenerate with npx tsx scripts/stripe-paths.ts)', () => {
    expect(readFileSync(PATHS_MODULE, 'utf8')).toBe(renderPathsModule(readStripeOas()));
  });

  it("routes every one of the description's paths to its own template, with its methods", () => {
    const { paths } = readStripeOas() as { paths: Record<string, Record<string, unknown>> };
    for (const [template, operations] of Object.entries(paths)) {
      const concrete = template.replace(/\{[^}]+\}/g, 'x_1');
      const route = matchStripePath(concrete);
      expect(route?.template, concrete).toBeDefined();
      // A literal segment wins over a parameter, so a concrete path may match a more specific template than its own.
      if (route?.template === template)
        expect(route.methods).toEqual(Object.keys(operations).filter((key) => key !== 'parameters'));
    }
  });
});
