import type { EmulatedObject } from './tables.ts';
import type { CardOutcome } from './test-cards.ts';
import type {
  ConfirmationRecord,
  StripeCallRecord,
  StripeCharge,
  StripeCustomer,
  StripeEvent,
  StripePaymentIntent,
  StripePaymentMethod,
  StripeRefund,
  StripeSetupIntent,
  StripeState,
} from './types.ts';

/** The emulator's account: every object it created and every call it answered. */
export class StripeStore {
  readonly customers = new Map<string, StripeCustomer>();
  readonly paymentIntents = new Map<string, StripePaymentIntent>();
  readonly paymentMethods = new Map<string, StripePaymentMethod>();
  readonly charges = new Map<string, StripeCharge>();
  readonly refunds = new Map<string, StripeRefund>();
  readonly setupIntents = new Map<string, StripeSetupIntent>();
  readonly events = new Map<string, StripeEvent>();
  /** What confirming with each minted PaymentMethod does (from the test token it came from). */
  readonly outcomes = new Map<string, CardOutcome>();
  readonly calls: StripeCallRecord[] = [];
  readonly confirmations: ConfirmationRecord[] = [];

  /** The object of a type by id, for expansion. */
  find(type: EmulatedObject, id: string): unknown {
    const maps: Record<EmulatedObject, Map<string, unknown>> = {
      customer: this.customers,
      payment_intent: this.paymentIntents,
      payment_method: this.paymentMethods,
      charge: this.charges,
      refund: this.refunds,
      setup_intent: this.setupIntents,
      event: this.events,
    };
    return maps[type].get(id);
  }

  snapshot(): StripeState {
    return structuredClone({
      customers: [...this.customers.values()],
      paymentIntents: [...this.paymentIntents.values()],
      paymentMethods: [...this.paymentMethods.values()],
      charges: [...this.charges.values()],
      refunds: [...this.refunds.values()],
      setupIntents: [...this.setupIntents.values()],
      events: [...this.events.values()],
      calls: this.calls,
      confirmations: this.confirmations,
    });
  }

  clear(): void {
    const maps = [
      this.customers,
      this.paymentIntents,
      this.paymentMethods,
      this.charges,
      this.refunds,
      this.setupIntents,
    ];
    for (const map of maps) map.clear();
    this.events.clear();
    this.outcomes.clear();
    this.calls.length = 0;
    this.confirmations.length = 0;
  }
}
