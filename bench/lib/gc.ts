// A full garbage collection on demand, with or without `node --expose-gc`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

function gcFunction(): () => void {
  if (collect) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return (collect = exposed);
  // Without the flag: turn it on at run time; a fresh context then sees `gc`.
  setFlagsFromString('--expose-gc');
  return (collect = runInNewContext('gc') as () => void);
}

/**
 * Heap in use: full collections a turn apart (each frees what the turn before released), the last one right before
 * the reading. Read a turn after the last collection, it also counted what that turn allocated (pending I/O, timers):
 * megabytes in some readings of a busy server.
 */
export async function settledHeap(): Promise<number> {
  const gc = gcFunction();
  for (let pass = 0; pass < 3; pass += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc();
  return process.memoryUsage().heapUsed;
}
