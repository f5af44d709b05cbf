// The Claude emulator streams like the real API when paced, and answers small talk plainly instead of with a receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePacing, startSandbox, type Sandbox } from '../../../src/sandbox/start.ts';
import { claudeClient } from '../helpers.ts';

const MODEL = 'claude-sonnet-4-6';
const SYSTEM = [
  'You operate sopstate. Amounts go in the smallest currency unit ($25 → 2500, currency "usd").',
  '',
  'Workflows on this server:',
  '- stripe-payment — Stripe payment: charge a card [inputs: email: string, amount: integer]',
  '- refund-approval — Refund with approval [inputs: amount: integer]',
].join('\n');

let paced: Sandbox;
beforeAll(async () => {
  paced = await startSandbox({ pacing: { firstTokenMs: 150, streamMs: 600 } });
});
afterAll(async () => {
  await paced?.close();
});

const ask = async (sandbox: Sandbox, text: string, system = SYSTEM) =>
  claudeClient(sandbox).messages.create({
    model: MODEL,
    max_tokens: 512,
    system,
    messages: [{ role: 'user', content: text }],
  });

describe('pacing', () => {
  it('waits before the first token, then spreads the text out', async () => {
    const sent = Date.now();
    const arrivals: number[] = [];
    const stream = claudeClient(paced).messages.stream({
      model: MODEL,
      max_tokens: 1024,
      messages: [
        {
          role: 'user',
          content: 'Write the receipt for user@example.com: 2000 usd, payment intent pi_123, status succeeded.',
        },
      ],
    });
    stream.on('text', () => arrivals.push(Date.now()));
    await stream.finalMessage();
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect(arrivals[0] - sent).toBeGreaterThanOrEqual(140);
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(400);
  });

  it('reads SOPSTATE_SANDBOX_PACING and refuses a typo', () => {
    expect(parsePacing('off')).toEqual({ firstTokenMs: 0, streamMs: 0 });
    expect(parsePacing('100,1200')).toEqual({ firstTokenMs: 100, streamMs: 1200 });
    expect(parsePacing(undefined)).toBeUndefined();
    expect(() => parsePacing('fast')).toThrow(/SOPSTATE_SANDBOX_PACING=fast/);
  });
});

describe('small talk', () => {
  it.each(['hello', 'Hi!', 'what can you do?'])(
    'answers "%s" with the workflows it can run, not a receipt',
    async (said) => {
      const message = await ask(paced, said);
      const text = message.content[0].type === 'text' ? message.content[0].text : '';
      expect(text).toContain('Stripe payment (stripe-payment)');
      expect(text).toContain('Refund with approval (refund-approval)');
      expect(text).not.toMatch(/receipt|payment id/i);
      expect(message.content.some((block) => block.type === 'tool_use')).toBe(false);
    },
  );

  it('still writes a receipt when asked for one', async () => {
    const message = await ask(
      paced,
      'Write the receipt for user@example.com: 2000 usd, payment intent pi_123.',
      'Write receipts.',
    );
    const text = message.content[0].type === 'text' ? message.content[0].text : '';
    expect(text).toMatch(/receipt/i);
    expect(text).toContain('pi_123');
  });
});
