import { describe, expect, it } from 'vitest';
import { matchStripePath } from '../../../src/adapters/stripe/paths.ts';

describe('Stripe path templates', () => {
  it('prefers a literal segment over a parameter and decodes parameters', () => {
    expect(matchStripePath('/v1/customers/search')?.template).toBe('/v1/customers/search');
    expect(matchStripePath('/v1/customers/cus%201')).toMatchObject({ template: '/v1/customers/{customer}', params: { customer: 'cus 1' } });
    expect(matchStripePath('/v1/payment_intents/pi_1/confirm')).toMatchObject({ template: '/v1/payment_intents/{intent}/confirm', params: { intent: 'pi_1' }, methods: ['post'] });
    expect(matchStripePath('/v1/payment_intent/pi_1')).toBeUndefined();
  });
});
