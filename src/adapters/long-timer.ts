// setTimeout for any delay: Node fires a delay over 2^31-1 ms (24.8 days) after 1 ms, so long ones wait in steps.

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** Calls `callback` once `delayMs` have passed by the clock (Date.now), however long that is. */
export function setLongTimeout(callback: () => void, delayMs: number): LongTimer {
  const due = Date.now() + Math.max(0, delayMs);
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = due - Date.now();
    timer = setTimeout(left > MAX_TIMER_MS ? arm : callback, Math.max(0, Math.min(left, MAX_TIMER_MS)));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

/** The same, as the clock XState schedules delayed transitions (`after`) on. */
export const longClock = {
  setTimeout: (callback: () => void, delayMs: number): LongTimer => setLongTimeout(callback, delayMs),
  clearTimeout: (timer: LongTimer | undefined): void => timer?.clear(),
};
