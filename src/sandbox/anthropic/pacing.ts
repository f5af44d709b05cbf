// How fast the emulated Claude stream arrives: like the real API (a first token after a short wait, then
// the text over a second or two), or all at once for tests that only read the result.
import { isContentDelta, type StreamEvent } from './sse.ts';

export interface StreamPacing {
  /** Wait before the first content delta, like the real API's time to first token. */
  firstTokenMs: number;
  /** The content deltas are spread over this long in all. */
  streamMs: number;
}

/** What the real API feels like: first token after ~200 ms, the text over ~1.5 s. */
export const REALISTIC_PACING: StreamPacing = { firstTokenMs: 200, streamMs: 1500 };

/** No waiting at all. */
export const NO_PACING: StreamPacing = { firstTokenMs: 0, streamMs: 0 };

/**
 * `SOPSTATE_SANDBOX_PACING`: `off`, `realistic`, or `FIRST,TOTAL` in milliseconds (e.g. `150,1200`).
 * Undefined when unset; throws on anything else so a typo is not silently ignored.
 */
export function parsePacing(value: string | undefined): StreamPacing | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'off') return NO_PACING;
  if (value === 'realistic') return REALISTIC_PACING;
  const match = /^(\d{1,5}),(\d{1,5})$/.exec(value.trim());
  if (!match)
    throw new Error(`SOPSTATE_SANDBOX_PACING=${value}: use off, realistic, or FIRST_MS,TOTAL_MS (e.g. 150,1200)`);
  return { firstTokenMs: Number(match[1]), streamMs: Number(match[2]) };
}

/** How long to wait before sending each event (in order): nothing before the first delta, then an even share. */
export function pacingDelays(events: StreamEvent[], pacing: StreamPacing, perEventMs = 0): number[] {
  const deltas = events.filter(isContentDelta).length;
  const share = deltas > 0 ? pacing.streamMs / deltas : 0;
  let seenDelta = false;
  return events.map((event, index) => {
    if (!isContentDelta(event)) return index === 0 ? 0 : perEventMs;
    const wait = seenDelta ? share : pacing.firstTokenMs;
    seenDelta = true;
    return Math.max(wait, perEventMs);
  });
}
