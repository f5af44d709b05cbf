// A loop of 10,000 visits in the engine: heap in use (after a full GC) at visit 100 and at the last visit, in a fresh
// process (the child the loop memory test runs, test/machine/support/loop-heap.ts). Flat memory: a ratio near 1.
import { spawnTs } from '../lib/child.ts';

export interface LoopReport {
  visits: number;
  warmUpVisits: number;
  status: string;
  heapWarmUpMb: number;
  heapEndMb: number;
  /** heapEnd ÷ heapWarmUp. */
  ratio: number;
}

const VISITS = 10_000;
const WARM_UP = 100;

export async function benchLoop(progress: (line: string) => void): Promise<LoopReport> {
  progress(`loop: heap at visit ${WARM_UP} and ${VISITS} of one loop`);
  const child = spawnTs('test/machine/support/loop-heap.ts', [String(VISITS), String(WARM_UP)], ['--expose-gc']);
  try {
    const { value } = await child.lines.next();
    const heap = value as { status: string; warmUp: number; end: number };
    return {
      visits: VISITS,
      warmUpVisits: WARM_UP,
      status: heap.status,
      heapWarmUpMb: heap.warmUp / 2 ** 20,
      heapEndMb: heap.end / 2 ** 20,
      ratio: heap.end / heap.warmUp,
    };
  } finally {
    await child.stop(30_000);
  }
}
