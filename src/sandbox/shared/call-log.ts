/** Call logs keep the most recent calls only, so a long benchmark does not grow without bound. */
export const MAX_RECORDED_CALLS = 10_000;

export function appendCall<T>(log: T[], call: T, max = MAX_RECORDED_CALLS): void {
  log.push(call);
  if (log.length > max) log.splice(0, log.length - max);
}
