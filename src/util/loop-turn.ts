// A turn for the event loop when promise callbacks have kept it for too long. Nodes that answer at once (a dry run,
// local work) chain each completion into the next through promises alone, and promise callbacks all run before the
// loop polls again: without a turn, a dry run of a big workflow holds a server's every other request (and its
// signals) until the run ends.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch, in ms, that promise callbacks may hold the loop before a node waits for its next turn. */
const LOOP_SLICE_MS = 10;

/** When the current stretch of the loop began, as seen from here; undefined once the loop has turned since. */
let stretchStartedAt: number | undefined;

/** A promise of the loop's next turn once the current stretch is over LOOP_SLICE_MS, else undefined. */
function turnIfLong(): Promise<void> | undefined {
  const now = performance.now();
  if (stretchStartedAt === undefined) {
    stretchStartedAt = now;
    // Runs at the loop's next check phase: by then it has polled, so a new stretch begins.
    void nextTurn().then(() => {
      stretchStartedAt = undefined;
    });
    return undefined;
  }
  return now - stretchStartedAt < LOOP_SLICE_MS ? undefined : nextTurn().then(() => undefined);
}

/** The callers in line: each one's check runs once the one before it went on. */
let line: Promise<void> = Promise.resolve();

/**
 * Resolves at once while the loop turned within the last LOOP_SLICE_MS, else at its next turn. Callers wait in one
 * line, so each one's check runs after what the callers before it did on resuming: 400 branches that end together
 * check the clock between their transitions, not all before the first one.
 *
 * @example
 * await loopTurnIfLong(); // then move the machine on
 */
export function loopTurnIfLong(): Promise<void> {
  line = line.then(turnIfLong);
  return line;
}
