import { describe, expect, it } from 'vitest';
import { shownStripeBase, stripePathname } from '../../../src/adapters/stripe/routing.ts';

describe('the Stripe base as events show it', () => {
  it('is origin and path without trailing slashes, for each base in turn', () => {
    const cases: Array<[base: string, shown: string]> = [
      ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010'],
      ['https://proxy.example/stripe//', 'https://proxy.example/stripe'],
      ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010'],
      ['https://api.stripe.com', 'https://api.stripe.com'],
    ];
    expect(cases.map(([base]) => shownStripeBase(base))).toEqual(cases.map(([, shown]) => shown));
  });

  it('leaves out credentials and the query of the base URL', () => {
    expect(shownStripeBase('https://user:pw@proxy.example/v/?token=abc')).toBe('https://proxy.example/v');
  });

  it('throws for a base that is no URL, as before', () => {
    expect(() => shownStripeBase('not a url')).toThrow(TypeError);
  });

  it('routes a call below the base', () => {
    expect(stripePathname(new URL('https://proxy.example/stripe/v1/customers'), 'https://proxy.example/stripe/')).toBe(
      '/v1/customers',
    );
  });
});
