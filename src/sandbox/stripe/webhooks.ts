// Signed webhook delivery, as Stripe signs it: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">`.
import { createHmac } from 'node:crypto';
import { unixSeconds } from '../shared/ids.ts';
import type { StripeEvent } from './types.ts';

export interface WebhookTarget {
  /** Where each event is POSTed as JSON. */
  url: string;
  /** The endpoint's signing secret (`whsec_...`), what `stripe.webhooks.constructEvent` is given. */
  secret: string;
}

export interface WebhookDelivery {
  event: string;
  type: string;
  status: number | null;
  error: string | null;
}

function signWebhookPayload(payload: string, secret: string, timestamp = unixSeconds()): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** Posts events one at a time, in the order they happened; a failed delivery is recorded, not retried. */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  #queue: Promise<void> = Promise.resolve();
  readonly #target: WebhookTarget | undefined;

  constructor(target: WebhookTarget | undefined) {
    this.#target = target;
  }

  get enabled(): boolean {
    return this.#target !== undefined;
  }

  send(event: StripeEvent): void {
    const target = this.#target;
    if (!target) return;
    const payload = JSON.stringify(event, null, 2);
    this.#queue = this.#queue.then(async () => {
      const delivery: WebhookDelivery = { event: event.id, type: event.type, status: null, error: null };
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Stripe-Signature': signWebhookPayload(payload, target.secret),
          },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        delivery.status = response.status;
        await response.body?.cancel();
      } catch (error) {
        delivery.error = (error as Error).message;
      }
      this.deliveries.push(delivery);
    });
  }

  /** Resolves once every event sent so far was delivered (or failed). */
  idle(): Promise<void> {
    return this.#queue;
  }
}
