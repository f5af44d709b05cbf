import { describe, expect, it } from 'vitest';
import { idempotencyKeyFor, MAX_IDEMPOTENCY_KEY, writtenIdempotencyKey } from '../../src/adapters/idempotency-key.ts';

const RUN = '0b6f7c1e-5d7a-4d55-9a51-3f1f2b9c8e01';
const isHeaderSafe = (key: string) => /^[\x21-\x7e]+$/.test(key);

describe('Idempotency-Key for any node id', () => {
  it('keeps a readable ASCII id as written', () => {
    expect(idempotencyKeyFor(RUN, 'confirm_payment', 2)).toBe(`${RUN}:confirm_payment:2`);
  });

  it('turns a CJK id into ASCII that a header can carry, the same on every call', () => {
    const key = idempotencyKeyFor(RUN, '確認付款', 1);
    expect(isHeaderSafe(key)).toBe(true);
    expect(key).toBe(idempotencyKeyFor(RUN, '確認付款', 1));
    expect(key).not.toBe(idempotencyKeyFor(RUN, '確認付款', 2));
    expect(() => new Headers({ 'Idempotency-Key': key })).not.toThrow();
  });

  it('stays within 255 characters for a long id, and two long ids that share a start still differ', () => {
    const long = 'step_'.repeat(60);
    const a = idempotencyKeyFor(RUN, `${long}a`, 1);
    const b = idempotencyKeyFor(RUN, `${long}b`, 1);
    expect(a.length).toBeLessThanOrEqual(MAX_IDEMPOTENCY_KEY);
    expect(a.startsWith(`${RUN}:step_step_`)).toBe(true);
    expect(a).not.toBe(b);
    const cjk = idempotencyKeyFor('運行'.repeat(100), '確認付款'.repeat(60), 123);
    expect(cjk.length).toBeLessThanOrEqual(MAX_IDEMPOTENCY_KEY);
    expect(isHeaderSafe(cjk)).toBe(true);
  });

  it('never gives two ids the same key, even when one looks like the encoding of the other', () => {
    expect(idempotencyKeyFor(RUN, 'a b', 1)).not.toBe(idempotencyKeyFor(RUN, 'a%20b', 1));
  });

  it('gives an id with a lone surrogate (a YAML or JSON escape) a header-safe key of its own', () => {
    const lone = JSON.parse('"pay\\ud800ment"') as string;
    const key = idempotencyKeyFor(RUN, lone, 1);
    expect(key).toBe(`${RUN}:pay%uD800ment:1`);
    expect(isHeaderSafe(key)).toBe(true);
    // U+FFFD, what an encoder would have made of it, and a pair's two halves each keep a key of their own.
    expect(key).not.toBe(idempotencyKeyFor(RUN, 'pay\ufffdment', 1));
    expect(idempotencyKeyFor(RUN, JSON.parse('"\\udc00x\\ud83d\\ude00"') as string, 1)).toBe(
      `${RUN}:%uDC00x%F0%9F%98%80:1`,
    );
    expect(writtenIdempotencyKey(`order-${lone}`)).toBe('order-pay%uD800ment');
  });
});
