import type { StripeCard } from './types.ts';

export type CardOutcome =
  | { kind: 'succeed' }
  | { kind: 'authenticate' }
  | { kind: 'decline'; code: string; declineCode: string; message: string };

export interface TestCard {
  card: Omit<StripeCard, 'exp_month' | 'exp_year'>;
  outcome: CardOutcome;
}

const succeed: CardOutcome = { kind: 'succeed' };
const authenticate: CardOutcome = { kind: 'authenticate' };
const declined = (declineCode: string, message: string, code = 'card_declined'): CardOutcome => ({
  kind: 'decline',
  code,
  declineCode,
  message,
});
const visa = (last4: string, funding: 'credit' | 'debit' = 'credit') => ({
  brand: 'visa',
  last4,
  funding,
  country: 'US',
});

/** Stripe's test PaymentMethod tokens and what confirming with each does. */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { card: visa('4242'), outcome: succeed },
  pm_card_visa_debit: { card: visa('5556', 'debit'), outcome: succeed },
  pm_card_mastercard: {
    card: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
    outcome: succeed,
  },
  pm_card_amex: { card: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US' }, outcome: succeed },
  pm_card_chargeDeclined: { card: visa('0002'), outcome: declined('generic_decline', 'Your card was declined.') },
  pm_card_visa_chargeDeclined: { card: visa('0002'), outcome: declined('generic_decline', 'Your card was declined.') },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    card: visa('9995'),
    outcome: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    card: visa('9995'),
    outcome: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_visa_chargeDeclinedLostCard: {
    card: visa('9987'),
    outcome: declined('lost_card', 'Your card was declined.'),
  },
  pm_card_visa_chargeDeclinedStolenCard: {
    card: visa('9979'),
    outcome: declined('stolen_card', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedExpiredCard: {
    card: visa('0069'),
    outcome: declined('expired_card', 'Your card has expired.', 'expired_card'),
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    card: visa('0127'),
    outcome: declined('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'),
  },
  pm_card_chargeDeclinedProcessingError: {
    card: visa('0119'),
    outcome: declined(
      'processing_error',
      'An error occurred while processing your card. Try again in a little bit.',
      'processing_error',
    ),
  },
  pm_card_authenticationRequired: { card: visa('3184'), outcome: authenticate },
  pm_card_threeDSecure2Required: { card: visa('3220'), outcome: authenticate },
  pm_card_authenticationRequiredOnSetup: { card: visa('3155'), outcome: succeed },
};
