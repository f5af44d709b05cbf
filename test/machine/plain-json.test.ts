import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toPlainJson } from '../../src/machine/plain-json.ts';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('toPlainJson', () => {
  it('gives what a JSON round trip gives, for any object', () => {
    const values = fc.dictionary(
      fc.string(),
      fc.anything({
        withDate: true,
        withMap: true,
        withSet: true,
        withSparseArray: true,
        withNullPrototype: true,
        withTypedArray: true,
      }),
    );
    fc.assert(
      fc.property(values, (value) => {
        expect(toPlainJson(value)).toStrictEqual(roundTrip(value));
      }),
    );
  });

  it('keeps an output that is already plain JSON as it is, and copies one that is not', () => {
    const parsed = { id: 'pi_1', amount: 2000, nested: { list: [1, 'two', null, true] } };
    expect(toPlainJson(parsed)).toBe(parsed);
    const at = new Date('2026-01-01T00:00:00Z');
    expect(toPlainJson({ at, skip: undefined, ratio: Number.NaN })).toStrictEqual({
      at: '2026-01-01T00:00:00.000Z',
      ratio: null,
    });
  });

  it('still refuses a cycle, as the JSON round trip did', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toPlainJson(cyclic)).toThrow(/circular/i);
  });
});
