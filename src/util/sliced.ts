// Long synchronous work written as a generator that yields between steps: run to the end at once (a CLI command), or
// in slices that give the event loop back in between (a server, whose other requests must not wait for it).
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work that yields (no value) between steps and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end without pausing. */
export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export interface SliceOptions {
  /** Longest stretch of steps before the event loop gets a turn (default 10 ms). 0 gives it a turn after every step. */
  sliceMs?: number;
}

/**
 * Runs `steps` in slices of about `sliceMs`, giving the event loop a turn in between: a one-second computation then
 * delays a server's other requests by one slice, not by a second.
 *
 * @example
 * const enumeration = await runInSlices(pathSteps(workflow), { sliceMs: 10 });
 */
export async function runInSlices<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 10;
  let until = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= until) {
      await nextTurn();
      until = performance.now() + sliceMs;
    }
  }
}
