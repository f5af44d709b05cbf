import { describe, expect, it } from 'vitest';
import { encodeForm } from '../../../src/adapters/api/form.ts';

describe('Stripe form encoding', () => {
  it('nests objects and arrays the way Stripe reads them', () => {
    expect(
      encodeForm({
        metadata: { order_id: '6735', 'note & more': 'a=b' },
        expand: ['customer', 'latest_charge'],
        line_items: [
          { price: 'price_1', quantity: 2 },
          { price: 'price_2', adjustable_quantity: { enabled: true } },
        ],
      }),
    ).toBe(
      'metadata[order_id]=6735&metadata[note%20%26%20more]=a%3Db&expand[]=customer&expand[]=latest_charge' +
        '&line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price]=price_2&line_items[1][adjustable_quantity][enabled]=true',
    );
  });

  it('sends null as an empty value (unset), drops undefined, and writes dates as unix seconds', () => {
    expect(encodeForm({ description: null, skipped: undefined, at: new Date('2026-01-01T00:00:00Z') })).toBe(
      'description=&at=1767225600',
    );
  });

  it('encodes reserved characters like the official SDK', () => {
    expect(encodeForm({ name: "O'Brien (Jr.)*!", email: 'a+b@x.io' })).toBe(
      'name=O%27Brien%20%28Jr.%29%2A%21&email=a%2Bb%40x.io',
    );
  });
});
