import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/osop/suggest.ts';

describe('did you mean', () => {
  it('counts edits, with an adjacent swap as one', () => {
    expect(editDistance('create_customr', 'create_customer')).toBe(1);
    expect(editDistance('agnet', 'agent')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only plausible typos', () => {
    expect(closest('create_customr', ['create_intent', 'create_customer'])).toBe('create_customer');
    expect(closest('xyz', ['create_customer'])).toBeUndefined();
    expect(closest('a', ['b'])).toBe('b');
  });
});
