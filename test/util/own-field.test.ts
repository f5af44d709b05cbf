import { describe, expect, it } from 'vitest';
import { headersToRecord } from '../../src/adapters/api/http.ts';
import { setOwnField } from '../../src/util/own-field.ts';

describe('a field named by outside data', () => {
  it('named __proto__ is an own field, as JSON.parse makes it, and the prototype stays', () => {
    const record: Record<string, string> = {};
    setOwnField(record, 'a', '1');
    setOwnField(record, '__proto__', 'x');
    setOwnField(record, 'toString', 'y');
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(JSON.stringify(record)).toBe(JSON.stringify(JSON.parse('{"a":"1","__proto__":"x","toString":"y"}')));
    expect(Object.keys(record)).toEqual(['a', '__proto__', 'toString']);
  });

  it('is kept when an answer has a header named __proto__ (it was dropped)', () => {
    const record = headersToRecord(
      new Headers([
        ['__proto__', 'x'],
        ['Content-Type', 'application/json'],
      ]),
    );
    expect(Object.keys(record)).toEqual(['__proto__', 'content-type']);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });
});
