// The run writers' flushes of one turn of the event loop, handed to the store together and committed in that turn.
import type { Store } from '../store/store.ts';

/**
 * Gathers the writers that have something to store in this turn and lets them write in the turn's check phase, all
 * at once; then has the store commit what they queued, there and then. Each writer had its own `setImmediate`, and
 * the store grouped their writes in an immediate of its own, which, queued from the check phase, ran only in the next
 * iteration, after that iteration's timers and I/O: every batch of events reached the store, the SSE streams and the
 * POST waiting to be sent one turn later, and under load a turn is tens of milliseconds.
 *
 * @example
 * const turn = new WriteTurn(store);
 * await turn.next(); // in this turn's check phase, with every writer that asked in it
 */
export class WriteTurn {
  readonly #store: Pick<Store, 'commitQueuedWrites'>;
  #waiting: Array<() => void> | undefined;

  constructor(store: Pick<Store, 'commitQueuedWrites'>) {
    this.#store = store;
  }

  /** Resolves in the check phase of this turn; the writes its waiters queue synchronously then commit together. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#waiting) {
        this.#waiting.push(resolve);
        return;
      }
      this.#waiting = [resolve];
      setImmediate(() => {
        const waiting = this.#waiting ?? [];
        this.#waiting = undefined;
        for (const wake of waiting) wake();
        // Queued after the waiters' own continuations, which call writeRun before their first await.
        void Promise.resolve().then(() => this.#store.commitQueuedWrites?.());
      });
    });
  }
}
