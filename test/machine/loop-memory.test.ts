// A long loop's memory stays flat: events stream to onEvent and are not all kept (issue 12 "loops", issue 13 bounds).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Heap in use after a full GC at visit `warmUp` and at the last of `visits`, measured in a fresh process. */
async function heapOfLoop(visits: number, warmUp: number) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/machine/support/loop-heap.ts', String(visits), String(warmUp)],
    { cwd: ROOT },
  );
  return JSON.parse(stdout) as { status: string; streamed: number; warmUp: number; end: number };
}

describe('a long loop', () => {
  it('holds about the same heap at visit 10,000 as at visit 100', async () => {
    const heap = await heapOfLoop(10_000, 100);
    expect(heap.status).toBe('COMPLETED');
    // run.started, then per visit node.started, node.completed, edge.taken; then done and run.completed.
    expect(heap.streamed).toBeGreaterThan(30_000);
    expect(heap.end).toBeLessThan(heap.warmUp * 1.25);
  }, 120_000);
});
