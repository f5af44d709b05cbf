// What the recorder and the Stately relay send is plain JSON: no functions, no actor refs, no cycles, never part of a secret.
import { describe, expect, it } from 'vitest';
import { toJsonSafe } from '../../src/inspect/json-safe.ts';
import { createRedactor } from '../../src/util/redact.ts';

const SECRET = 'sk_test_abcdefghijklmnop';
const redact = createRedactor({ KEY: SECRET });

describe('toJsonSafe', () => {
  it('drops functions, names actor refs, breaks cycles, keeps Maps, Sets, Dates and Errors readable', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const actor = { id: 'create_customer', sessionId: 'x:1', send: () => undefined };
    const value = {
      fn: () => 1,
      actor,
      cyclic,
      map: new Map([['a', 1]]),
      set: new Set([1, 2]),
      at: new Date('2026-01-02T03:04:05Z'),
      error: Object.assign(new Error('boom'), { code: 'card_declined' }),
      big: 10n,
      nan: Number.NaN,
    };
    expect(toJsonSafe(value, { redact })).toEqual({
      actor: '[actor create_customer]',
      cyclic: { name: 'loop', self: '[circular]' },
      map: { a: 1 },
      set: [1, 2],
      at: '2026-01-02T03:04:05.000Z',
      error: { name: 'Error', message: 'boom', code: 'card_declined' },
      big: '10',
      nan: 'NaN',
    });
  });

  it('masks secrets in values and keys before cutting long strings, so no prefix of a secret survives a cut', () => {
    const text = `${'x'.repeat(10)}${SECRET}`;
    const safe = toJsonSafe({ [SECRET]: text }, { redact, maxString: 14 });
    expect(JSON.stringify(safe)).not.toContain('sk_test');
    expect(safe).toEqual({ '[secret KEY]': 'xxxxxxxxxx[sec… (8 more characters)' });
  });

  it('caps depth and array length', () => {
    expect(toJsonSafe({ a: { b: { c: 1 } } }, { redact, maxDepth: 2 })).toEqual({ a: { b: '[…]' } });
    expect(toJsonSafe([1, 2, 3, 4], { redact, maxItems: 2 })).toEqual([1, 2, '… 2 more']);
  });
});
