// Types of loop-delay.mjs (plain JavaScript, so that a built server can preload it without tsx).
/** The longest and the p99 event-loop delay over a stretch, in ms. */
export interface LoopDelay {
  max: number;
  p99: number;
}

/** Starts sampling; `read()` gives the delay since the last read (or the start) and starts over. */
export declare function monitorLoopDelay(): { read(): Promise<LoopDelay> };
