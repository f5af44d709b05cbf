import { describe, expect, it } from 'vitest';
import { createRedactor, createStreamMasker } from '../../src/util/redact.ts';

describe('redactor', () => {
  const redact = createRedactor({ STRIPE_SECRET_KEY: 'sk_test_abc/123+x', PIN: '42' });

  it('replaces every secret value in nested strings and keys, naming the secret', () => {
    const event = {
      type: 'node.failed',
      error: { message: 'Invalid API Key provided: sk_test_abc/123+x' },
      list: ['Bearer sk_test_abc/123+x'],
      map: { 'sk_test_abc/123+x': 1 },
    };
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
    expect(Object.keys(redact({ a: 1, 'sk_test_abc/123+x': 2, z: 3 }))).toEqual([
      'a',
      '[secret STRIPE_SECRET_KEY]',
      'z',
    ]);
  });
});

describe('masking every form and every split', () => {
  const secret = 'pa%ss w&rd+x/y';
  const redact = createRedactor({ PASS: secret });

  it('masks the form-encoded, JSON-escaped and base64 forms too', () => {
    const form = new URLSearchParams({ q: secret }).toString();
    expect(redact(`GET /x?${form}`)).toBe('GET /x?q=[secret PASS]');
    expect(redact(Buffer.from(secret).toString('base64'))).toBe('[secret PASS]');
    const quoted = createRedactor({ Q: 'a"b\\c' });
    expect(quoted(JSON.stringify({ v: 'a"b\\c' }))).toBe('{"v":"[secret Q]"}');
  });

  it('finds every form of every secret, also when one secret holds another and text, object or stream holds one form alone', () => {
    // A secret inside another and one whose forms differ (URL, form, JSON, base64 padded and not): detection
    // searches only the forms that hold no other form, so each form must still be found on its own.
    const secrets = { KEY: 'sk_live_k3y', HEADER: 'Bearer sk_live_k3y', WORD: 'pa ss/wo+rd"é=' };
    const nested = createRedactor(secrets);
    for (const [form] of nested.masking.needles) {
      const text = `before ${form} after`;
      expect(nested(text), form).not.toContain(form);
      expect(JSON.stringify(nested({ deep: [{ text }] })), form).not.toContain(form);
      const stream = createStreamMasker(nested.masking);
      const streamed = [...text].map((char) => stream.push(char)).join('') + stream.flush();
      expect(streamed, form).not.toContain(form);
    }
    expect(nested.masking.needles.length).toBeGreaterThan(10);
  });

  it('masks a secret split across stream chunks of any size, so no piece holds a part of it', () => {
    const text = `before ${secret} between ${encodeURIComponent(secret)} after`;
    for (const size of [1, 2, 3, 4, 7]) {
      const stream = createStreamMasker(redact.masking);
      const pieces: string[] = [];
      for (let at = 0; at < text.length; at += size) {
        pieces.push(stream.push(text.slice(at, at + size)));
      }
      pieces.push(stream.flush());
      expect(pieces.join(''), `chunks of ${size}`).toBe('before [secret PASS] between [secret PASS] after');
      expect(pieces.some((piece) => piece.includes('pa%') || piece.includes('pa%25'))).toBe(false);
    }
  });

  it('lets text that cannot start a secret through at once', () => {
    const stream = createStreamMasker(redact.masking);
    expect(stream.push('hello ')).toBe('hello ');
    expect(stream.push('xp')).toBe('x');
    expect(stream.push('q')).toBe('pq');
  });
});
