// The Claude sandbox's usage counts: rough, but shaped like a tokenizer's, so JSON prompts and cost budgets weigh what
// they would against the real API (a count of words made a 4 KB compact JSON prompt about a dozen tokens).
import { describe, expect, it } from 'vitest';
import { claudeClient, useSandbox } from '../helpers.ts';

const INTENT = {
  id: 'pi_3BA1QMtDfFtcCyL36oZwv2IX',
  object: 'payment_intent',
  amount: 2000,
  amount_received: 2000,
  currency: 'usd',
  customer: 'cus_SkZ0FK0HOjBrlh',
  payment_method_types: ['card'],
  status: 'succeeded',
};

describe('usage.input_tokens of the Claude sandbox', () => {
  const sandbox = useSandbox();
  const inputTokens = async (content: string) =>
    (
      await claudeClient(sandbox()).messages.countTokens({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content }],
      })
    ).input_tokens;

  it('counts compact JSON at a few characters a token, not a word a token', async () => {
    const compact = JSON.stringify({ outputs: { confirm_payment: { data: INTENT } } });
    const tokens = await inputTokens(compact);
    expect(tokens).toBeGreaterThan(compact.length / 5);
    expect(tokens).toBeLessThan(compact.length / 1.5);
  });

  it('counts indentation: the same JSON pretty-printed costs more', async () => {
    const value = { outputs: { confirm_payment: { data: INTENT } } };
    expect(await inputTokens(JSON.stringify(value, null, 2))).toBeGreaterThan(await inputTokens(JSON.stringify(value)));
  });

  it('counts plain prose at about a token a word', async () => {
    const prose = 'Thank you for your payment of twenty dollars to the example shop';
    const words = prose.split(' ').length;
    const tokens = await inputTokens(prose);
    expect(tokens).toBeGreaterThanOrEqual(words);
    expect(tokens).toBeLessThanOrEqual(words * 1.5);
  });
});
