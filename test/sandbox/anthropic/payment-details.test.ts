import { describe, expect, it } from 'vitest';
import { formatMinorUnits } from '../../../src/sandbox/anthropic/money.ts';
import { extractPaymentDetails, mergeDetails, moneyInText } from '../../../src/sandbox/anthropic/payment-details.ts';

describe('payment details in a prompt', () => {
  it('reads Stripe-style JSON: amount in minor units, currency, email, intent and customer ids', () => {
    const text = JSON.stringify({
      amount: 2000,
      currency: 'usd',
      email: 'u@example.com',
      customer: 'cus_Abc1',
      client_secret: 'pi_9Z_secret_x',
      intent_id: 'pi_9Z',
    });
    expect(extractPaymentDetails(text)).toEqual({
      amount: 2000,
      currency: 'usd',
      email: 'u@example.com',
      customer: 'cus_Abc1',
      paymentIntent: 'pi_9Z',
    });
  });

  it('does not mistake amount_received for the amount', () => {
    expect(extractPaymentDetails('{"amount_received": 0, "amount": 1234}').amount).toBe(1234);
  });

  it('reads money written for people: $25, €12.50, 40 GBP, USD 7.25', () => {
    expect(moneyInText('charge $25 now')).toEqual({ amount: 2500, currency: 'usd' });
    expect(moneyInText('about €12.50')).toEqual({ amount: 1250, currency: 'eur' });
    expect(moneyInText('send 40 GBP')).toEqual({ amount: 4000, currency: 'gbp' });
    expect(moneyInText('USD 7.25 total')).toEqual({ amount: 725, currency: 'usd' });
    expect(moneyInText('¥500')).toEqual({ amount: 500, currency: 'jpy' });
    expect(moneyInText('nothing here')).toEqual({});
  });

  it('fills what the prompt lacks from a lookup, keeping what it says', () => {
    const lookup = () => ({ amount: 100, currency: 'eur', email: 'known@example.com', paymentIntent: 'pi_1' });
    expect(mergeDetails({ paymentIntent: 'pi_1', email: 'said@example.com' }, lookup)).toEqual({
      amount: 100,
      currency: 'eur',
      email: 'said@example.com',
      paymentIntent: 'pi_1',
    });
  });

  it("takes the intent's current status from the lookup over stale ones quoted in the prompt", () => {
    const lookup = () => ({ paymentIntent: 'pi_1', status: 'succeeded' });
    const found = extractPaymentDetails('create_intent: {"id": "pi_1", "status": "requires_payment_method"}');
    expect(mergeDetails(found, lookup).status).toBe('succeeded');
  });

  it('formats minor units with symbol and code, zero-decimal currencies whole', () => {
    expect(formatMinorUnits(2000, 'usd')).toBe('$20.00 USD');
    expect(formatMinorUnits(500, 'jpy')).toBe('¥500 JPY');
    expect(formatMinorUnits(123456, 'chf')).toBe('CHF 1,234.56');
  });
});
