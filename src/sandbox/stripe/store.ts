import type { CardOutcome } from './test-cards.ts';
import type {
  ConfirmationRecord,
  StripeCallRecord,
  StripeCustomer,
  StripePaymentIntent,
  StripePaymentMethod,
  StripeState,
} from './types.ts';

/** The emulator's account: every object it created and every call it answered. */
export class StripeStore {
  readonly customers = new Map<string, StripeCustomer>();
  readonly paymentIntents = new Map<string, StripePaymentIntent>();
  readonly paymentMethods = new Map<string, StripePaymentMethod>();
  /** What confirming with each minted PaymentMethod does (from the test token it came from). */
  readonly outcomes = new Map<string, CardOutcome>();
  readonly calls: StripeCallRecord[] = [];
  readonly confirmations: ConfirmationRecord[] = [];

  snapshot(): StripeState {
    return structuredClone({
      customers: [...this.customers.values()],
      paymentIntents: [...this.paymentIntents.values()],
      paymentMethods: [...this.paymentMethods.values()],
      calls: this.calls,
      confirmations: this.confirmations,
    });
  }

  clear(): void {
    this.customers.clear();
    this.paymentIntents.clear();
    this.paymentMethods.clear();
    this.outcomes.clear();
    this.calls.length = 0;
    this.confirmations.length = 0;
  }
}
