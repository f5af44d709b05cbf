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

/** Heap in use after two full collections (the second frees what the first's finalizers released). */
export async function settledHeap(): Promise<number> {
  const gc = gcFunction();
  for (let pass = 0; pass < 3; pass += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
