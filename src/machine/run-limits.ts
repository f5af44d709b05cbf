// Bounds of one run beyond its node visits (maxVisits): how many events it may emit and how much output it may hold.
// A run past either ends FAILED with the reason, so a runaway workflow cannot exhaust the process or the database.
import type { RunEvent } from '../events/run-event.ts';

export interface RunLimits {
  /** Events a run may emit in all (resumed runs count from their stored ones). */
  maxEvents: number;
  /** Bytes of node outputs (JSON) a run may hold at once: the latest outputs of every node. */
  maxContextBytes: number;
}

const DEFAULT_RUN_LIMITS: RunLimits = { maxEvents: 1_000_000, maxContextBytes: 64 * 1024 * 1024 };

export interface LimitError {
  message: string;
  code: 'event_limit' | 'context_limit';
}

/** Outputs whose JSON size their node actor measured as it serialized them (once): the watch takes it from here. */
const measuredBytes = new WeakMap<object, number>();

/** Records the JSON length of a node's outputs (`JSON.stringify(outputs).length`), which nothing changes later. */
export const noteOutputBytes = (outputs: object, bytes: number): void => {
  measuredBytes.set(outputs, bytes);
};

/** Watches a run's events and reports the first limit it passes, once. */
export class RunLimitWatch {
  readonly #limits: RunLimits;
  readonly #trip: (error: LimitError) => void;
  readonly #outputBytes = new Map<string, number>();
  #events: number;
  #totalBytes = 0;
  #tripped = false;

  constructor(limits: Partial<RunLimits> | undefined, eventsSoFar: number, trip: (error: LimitError) => void) {
    this.#limits = { ...DEFAULT_RUN_LIMITS, ...limits };
    this.#events = eventsSoFar;
    this.#trip = trip;
  }

  observe(event: RunEvent): void {
    if (this.#tripped) return;
    this.#events += 1;
    if (this.#events > this.#limits.maxEvents) {
      const message = `the run emitted more than ${this.#limits.maxEvents} events (a runaway workflow?); raise limits.maxEvents if it is meant to`;
      return this.#fail({ message, code: 'event_limit' });
    }
    if (event.type !== 'node.completed') return;
    const bytes = measuredBytes.get(event.outputs) ?? JSON.stringify(event.outputs).length;
    this.#totalBytes += bytes - (this.#outputBytes.get(event.node) ?? 0);
    this.#outputBytes.set(event.node, bytes);
    if (this.#totalBytes > this.#limits.maxContextBytes) {
      const message =
        `the run's node outputs reached ${this.#totalBytes} bytes, past its limit of ${this.#limits.maxContextBytes} ` +
        `(after ${event.node}); raise limits.maxContextBytes or map fewer fields`;
      this.#fail({ message, code: 'context_limit' });
    }
  }

  #fail(error: LimitError): void {
    this.#tripped = true;
    this.#trip(error);
  }
}
