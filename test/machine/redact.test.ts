import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/machine/redact.ts';

describe('redactor', () => {
  const redact = createRedactor({ STRIPE_SECRET_KEY: 'sk_test_abc/123+x', PIN: '42' });

  it('replaces every secret value in nested strings and keys, naming the secret', () => {
    const event = { type: 'node.failed', error: { message: 'Invalid API Key provided: sk_test_abc/123+x' }, list: ['Bearer sk_test_abc/123+x'], map: { 'sk_test_abc/123+x': 1 } };
    expect(redact(event)).toEqual({
      type: 'node.failed',
      error: { message: 'Invalid API Key provided: [secret STRIPE_SECRET_KEY]' },
      list: ['Bearer [secret STRIPE_SECRET_KEY]'],
      map: { '[secret STRIPE_SECRET_KEY]': 1 },
    });
  });

  it('also catches the URL-encoded form of a secret (form bodies, query strings)', () => {
    expect(redact('key=sk_test_abc%2F123%2Bx')).toBe('key=[secret STRIPE_SECRET_KEY]');
  });

  it('leaves values shorter than 4 characters alone, so "42" does not blank out numbers in text', () => {
    expect(redact('order 4242')).toBe('order 4242');
  });

  it('returns the very same value when it holds no secret, and never changes its input', () => {
    const clean = { type: 'node.completed', outputs: { id: 'ch_1', list: [1, 'two', { three: null }] } };
    expect(redact(clean)).toBe(clean);
    const dirty = { kept: { id: 'ch_1' }, list: ['ok', 'token sk_test_abc/123+x'] };
    const snapshot = JSON.parse(JSON.stringify(dirty));
    const result = redact(dirty);
    expect(result).toEqual({ kept: { id: 'ch_1' }, list: ['ok', 'token [secret STRIPE_SECRET_KEY]'] });
    expect(dirty).toEqual(snapshot);
    expect(result.kept).toBe(dirty.kept);
  });

  it('keeps the order of keys when a key is redacted', () => {
    expect(Object.keys(redact({ a: 1, 'sk_test_abc/123+x': 2, z: 3 }))).toEqual(['a', '[secret STRIPE_SECRET_KEY]', 'z']);
  });
});
