// The event-loop delay of the process it runs in, as the server bench reports it for `sopstate serve` (through
// heap-probe.mjs) and for the bare server: plain JavaScript, so that a built server can preload it without tsx.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the monitor samples: a turn of the loop that ran longer shows as a delay of about its length. */
const RESOLUTION_MS = 5;

/**
 * Starts sampling; `read()` resolves with the longest and p99 delay since the last read (or the start), in ms, and
 * starts over.
 * @returns {{ read(): Promise<{ max: number; p99: number }> }}
 */
export function monitorLoopDelay() {
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  return {
    // Asked from the poll phase (a signal, a request), before the next timers phase records the delay of the turn
    // that just ended: read once the monitor's timer has had its turn.
    read: () =>
      new Promise((resolve) =>
        setTimeout(() => {
          resolve({ max: loop.max / 1e6, p99: loop.percentile(99) / 1e6 });
          loop.reset();
        }, 2 * RESOLUTION_MS),
      ),
  };
}
