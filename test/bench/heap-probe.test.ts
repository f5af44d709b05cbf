// bench/lib/heap-probe.mjs, preloaded into every benched `sopstate serve`: what it reports must be the process's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bench/lib/repo.ts';

const PROBE = pathToFileURL(join(REPO_ROOT, 'bench/lib/heap-probe.mjs')).href;

/**
 * A process with the probe that blocks its event loop for `blockMs` once, after 100 ms, and stays up; `check` gets
 * it once the block is over (and `next`, its next line of output); the process is killed after.
 */
const withProbed = async (
  blockMs: number,
  check: (child: ChildProcess, next: () => Promise<string>) => Promise<void>,
): Promise<void> => {
  const script = `setTimeout(() => { const end = Date.now() + ${blockMs}; while (Date.now() < end); console.log('blocked'); }, 100);
setInterval(() => {}, 1000);
console.log('ready');`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', PROBE, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => (await lines.next()).value as string;
  try {
    expect(await next()).toBe('ready');
    expect(await next()).toBe('blocked');
    await check(child, next);
  } finally {
    child.kill('SIGKILL');
  }
};

describe('the bench probe in a benched server', () => {
  it('reports the longest event-loop delay since it was last asked, and starts over', () =>
    withProbed(150, async (child, next) => {
      child.kill('SIGWINCH');
      const [max, p99] = (await next()).split(' ').slice(1).map(Number);
      expect(max).toBeGreaterThanOrEqual(140);
      expect(p99).toBeLessThanOrEqual(max);
      await new Promise((settle) => setTimeout(settle, 50));
      child.kill('SIGWINCH');
      const [again] = (await next()).split(' ').slice(1).map(Number);
      expect(again).toBeLessThan(100);
    }));

  it('reports the heap in use after a full collection', () =>
    withProbed(0, async (child, next) => {
      child.kill('SIGUSR2');
      expect(await next()).toMatch(/^bench-heap-used [1-9]\d+$/);
    }));
});
