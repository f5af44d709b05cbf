// Per-run fan-out of live events. Publishing never waits for a subscriber: each one has a bounded
// buffer, and a subscriber that lets it overflow is dropped (it resumes from the store by seq).
import type { RunEvent } from '../events/run-event.ts';

export interface EventHubOptions {
  /** Events a subscriber may have unread before it is dropped. */
  bufferSize?: number;
  /** Called when a run's last subscriber leaves (closed, dropped or ended). */
  onIdle?: (runId: string) => void;
}

type SubscriptionEnd = 'ended' | 'dropped' | 'closed';

export interface Subscription<T = RunEvent> {
  /** The next live event; undefined once the subscription is over (see `endReason`). */
  next(): Promise<T | undefined>;
  /** Every event already buffered, without waiting (empty when none), so a reader can send a burst at once. */
  drain(): T[];
  readonly endReason: SubscriptionEnd | undefined;
  close(): void;
}

class Subscriber<T> implements Subscription<T> {
  #queue: T[] = [];
  #waiter: ((event: T | undefined) => void) | undefined;
  #end: SubscriptionEnd | undefined;

  constructor(
    private readonly bufferSize: number,
    private readonly detach: (subscriber: Subscriber<T>) => void,
  ) {}

  get endReason(): SubscriptionEnd | undefined {
    return this.#end;
  }

  push(event: T): void {
    if (this.#end) return;
    if (this.#waiter) {
      const wake = this.#waiter;
      this.#waiter = undefined;
      wake(event);
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length > this.bufferSize) {
      this.#queue = [];
      this.finish('dropped');
    }
  }

  /** Ends the subscription; events already buffered are still delivered unless it was dropped. */
  finish(reason: SubscriptionEnd): void {
    if (this.#end) return;
    this.#end = reason;
    this.detach(this);
    if (this.#waiter) {
      const wake = this.#waiter;
      this.#waiter = undefined;
      wake(undefined);
    }
  }

  next(): Promise<T | undefined> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#end) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  drain(): T[] {
    const queued = this.#queue;
    this.#queue = [];
    return queued;
  }

  close(): void {
    this.#queue = [];
    this.finish('closed');
  }
}

/** Per-run fan-out of anything with a run id: RunEvents by default (inspection records use one too). */
export class EventHub<T extends { runId: string } = RunEvent> {
  readonly #bufferSize: number;
  readonly #channels = new Map<string, Set<Subscriber<T>>>();
  readonly #onIdle: ((runId: string) => void) | undefined;

  constructor(options: EventHubOptions = {}) {
    this.#bufferSize = options.bufferSize ?? 256;
    this.#onIdle = options.onIdle;
  }

  subscribe(runId: string): Subscription<T> {
    const channel = this.#channels.get(runId) ?? new Set<Subscriber<T>>();
    this.#channels.set(runId, channel);
    const subscriber = new Subscriber<T>(this.#bufferSize, (s) => {
      channel.delete(s);
      if (channel.size === 0 && this.#channels.get(runId) === channel) {
        this.#channels.delete(runId);
        this.#onIdle?.(runId);
      }
    });
    channel.add(subscriber);
    return subscriber;
  }

  publish(event: T): void {
    const channel = this.#channels.get(event.runId);
    if (!channel) return;
    for (const subscriber of [...channel]) subscriber.push(event);
  }

  /** No more events will come for this run: subscribers finish after what they have buffered. */
  end(runId: string): void {
    const channel = this.#channels.get(runId);
    if (!channel) return;
    for (const subscriber of [...channel]) subscriber.finish('ended');
  }

  subscriberCount(runId: string): number {
    return this.#channels.get(runId)?.size ?? 0;
  }
}
