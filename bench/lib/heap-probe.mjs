// Preloaded into every benched `sopstate serve` (node --expose-gc --import): on SIGUSR2 it collects garbage and
// prints the heap in use, so the bench can read the server's live objects rather than its RSS (pages it keeps);
// on SIGWINCH it prints the longest and p99 event-loop delay since the last SIGWINCH, in ms, and starts over.
import { monitorLoopDelay } from './loop-delay.mjs';

process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  process.stdout.write(`bench-heap-used ${process.memoryUsage().heapUsed}\n`);
});

const loop = monitorLoopDelay();
process.on('SIGWINCH', () => {
  void loop.read().then(({ max, p99 }) => process.stdout.write(`bench-loop-delay ${max} ${p99}\n`));
});
