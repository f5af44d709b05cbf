// How many turns the event loop takes while some work goes on: a chain of setImmediate callbacks counts them, and each
// one runs only once the loop has polled again.

/** How many turns the event loop took until `work` settled (setImmediate callbacks run in between). */
export async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let settled = false;
  const tick = () => {
    if (settled) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    settled = true;
  }
  return turns;
}
