// The ordered write-behind of one run: the runner's events and snapshots arrive synchronously, are stored in
// order (one batch per flush: every queued event and the latest snapshot) under the owner's epoch, and only
// then handed on. A write the epoch refuses means another node took the run over: `onLost`, nothing more.
// A flush starts at once; what the runner emits while it is under way (the rest of the step: events and the
// snapshots of each transition) goes in the next one, with the last snapshot only. The snapshot is read when it is
// written, not at every transition: reading one copies the run's whole context, which made a long run cost the
// square of its length. The flushes of every run of one turn of the event loop are committed together, in that turn
// (write-turn.ts, sqlite-store.ts).
import type { RunEvent } from '../events/run-event.ts';
import type { Store } from '../store/store.ts';
import type { WriteTurn } from './write-turn.ts';

export interface RunWriterOptions {
  store: Store;
  runId: string;
  epoch: number;
  /** Called with each stored batch, in order. */
  onStored: (events: RunEvent[]) => void;
  /** Ownership lost (fenced): the caller stops the run. */
  onLost: () => void;
  /** A write failed for another reason (the database is gone...): the caller stops the run. */
  onError: (error: unknown, events: RunEvent[]) => void;
  /** When a flush starts: the server's WriteTurn, shared by its runs' writers, whose writes then commit in that turn. */
  turn: Pick<WriteTurn, 'next'>;
}

export class RunWriter {
  readonly #options: RunWriterOptions;
  #events: RunEvent[] = [];
  /** Reads the latest snapshot, when one came after the last write. */
  #snapshot: (() => unknown) | undefined = undefined;
  #flushing: Promise<void> | undefined;
  #stopped = false;
  #ended = false;

  constructor(options: RunWriterOptions) {
    this.#options = options;
  }

  get epoch(): number {
    return this.#options.epoch;
  }

  /** Whether this writer may still write (not fenced off, failed or stopped). */
  get active(): boolean {
    return !this.#stopped;
  }

  event(event: RunEvent): void {
    if (this.#stopped) return;
    this.#events.push(event);
    this.#kick();
  }

  /** The run moved on: `read` gives its snapshot as it is then, read once for the next write. */
  snapshot(read: () => unknown): void {
    if (this.#stopped) return;
    this.#snapshot = read;
    this.#kick();
  }

  /**
   * Reads the pending snapshot now, for a caller that stops taking the run's events here (a server closing): the
   * next write then stores the run as it was with those events, not with what it did after them.
   */
  seal(): void {
    const read = this.#snapshot;
    if (read === undefined) return;
    const snapshot = read();
    this.#snapshot = () => snapshot;
  }

  /** Whether a final event (run.completed / run.failed) was stored. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves once everything queued so far is stored (or dropped because the writer stopped). */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /** Drops whatever is queued and writes nothing more. */
  stop(): void {
    this.#stopped = true;
    this.#events = [];
    this.#snapshot = undefined;
  }

  #kick(): void {
    if (this.#flushing) return;
    this.#flushing = this.#options.turn
      .next()
      .then(() => this.#flush())
      .finally(() => {
        this.#flushing = undefined;
        // Work queued after the loop's last check and before this callback.
        if (!this.#stopped && (this.#events.length > 0 || this.#snapshot !== undefined)) this.#kick();
      });
  }

  async #flush(): Promise<void> {
    while (!this.#stopped && (this.#events.length > 0 || this.#snapshot !== undefined)) {
      const events = this.#events;
      const read = this.#snapshot;
      this.#events = [];
      this.#snapshot = undefined;
      let stored: boolean;
      try {
        const snapshot = read?.();
        stored = await this.#options.store.writeRun(this.#options.runId, this.#options.epoch, { events, snapshot });
      } catch (error) {
        this.stop();
        this.#options.onError(error, events);
        return;
      }
      if (!stored) {
        this.stop();
        this.#options.onLost();
        return;
      }
      const last = events.at(-1);
      if (last?.type === 'run.completed' || last?.type === 'run.failed') this.#ended = true;
      if (events.length > 0) this.#options.onStored(events);
    }
  }
}
