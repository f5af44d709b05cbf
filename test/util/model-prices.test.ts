import { describe, expect, it } from 'vitest';
import { modelPrice } from '../../src/util/model-prices.ts';

describe('model prices', () => {
  it('prices the examples’ model, Claude Sonnet 4.6, at its list price, and guesses none for an unknown model', () => {
    expect(modelPrice('claude-sonnet-4-6')).toEqual({ inputPerMillion: 3, outputPerMillion: 15 });
    expect(modelPrice('claude-sonnet-9')).toBeUndefined();
  });
});
