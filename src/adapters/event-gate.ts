// Where the targets of `event` edges wait for their event. One gate per run: an event that comes before any node
// waits for it is kept, in order, and handed to the first node that starts waiting for its name and accepts it.

/** An event delivered to a run (`POST /api/runs/:id/events`, `sopstate run --event`). */
export interface DeliveredEvent {
  name: string;
  data: unknown;
}

/** What delivering one event did: it let `node` run, or it is kept until a node waits for it. */
export type EventDelivery = { delivered: true; node: string } | { delivered: false; queued: true };

interface Waiter {
  node: string;
  names: readonly string[];
  /** The `when` of the edge the event is for: false leaves the event for someone else. */
  accepts(event: DeliveredEvent): boolean;
  resolve(event: DeliveredEvent): void;
}

/** Which nodes wait, and for which events. */
export interface EventWaiting {
  node: string;
  names: string[];
}

export class EventGate {
  readonly #waiters = new Map<string, Waiter>();
  readonly #kept: DeliveredEvent[] = [];
  readonly #onKept: (kept: DeliveredEvent[]) => void;

  /** `early`: events kept from the start; `onKept` hears every change of the kept events (to persist them). */
  constructor(early: readonly DeliveredEvent[] = [], onKept: (kept: DeliveredEvent[]) => void = () => {}) {
    this.#kept.push(...early);
    this.#onKept = onKept;
  }

  /** Takes a kept event the node accepts, else waits for one; rejects with the signal's reason when aborted. */
  wait(
    node: string,
    names: readonly string[],
    accepts: (event: DeliveredEvent) => boolean,
    signal: AbortSignal,
  ): Promise<DeliveredEvent> {
    const kept = this.take(names, accepts);
    if (kept) return Promise.resolve(kept);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (this.#waiters.get(node) === waiter) this.#waiters.delete(node);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        node,
        names,
        accepts,
        resolve: (event) => {
          signal.removeEventListener('abort', onAbort);
          this.#waiters.delete(node);
          resolve(event);
        },
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.set(node, waiter);
    });
  }

  /** The first kept event of one of `names` that `accepts` takes, removed from the gate. */
  take(names: readonly string[], accepts: (event: DeliveredEvent) => boolean): DeliveredEvent | undefined {
    const index = this.#kept.findIndex((event) => names.includes(event.name) && accepts(event));
    if (index < 0) return undefined;
    const [taken] = this.#kept.splice(index, 1);
    this.#onKept([...this.#kept]);
    return taken;
  }

  /** Hands the event to the first waiting node (in the order they started waiting) that takes it, else keeps it. */
  deliver(event: DeliveredEvent): EventDelivery {
    for (const waiter of this.#waiters.values()) {
      if (!waiter.names.includes(event.name) || !waiter.accepts(event)) continue;
      waiter.resolve(event);
      return { delivered: true, node: waiter.node };
    }
    this.#kept.push(event);
    this.#onKept([...this.#kept]);
    return { delivered: false, queued: true };
  }

  waiting(): EventWaiting[] {
    return [...this.#waiters.values()].map(({ node, names }) => ({ node, names: [...names] }));
  }
}
