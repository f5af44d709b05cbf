// Preloaded into every benched `sopstate serve` (node --expose-gc --import): on SIGUSR2 it collects garbage and
// prints the heap in use, so the bench can read the server's live objects rather than its RSS (pages it keeps);
// on SIGWINCH it prints the longest and p99 event-loop delay since the last SIGWINCH, in ms, and starts over.
import { monitorEventLoopDelay } from 'node:perf_hooks';

process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  process.stdout.write(`bench-heap-used ${process.memoryUsage().heapUsed}\n`);
});

// Sampled every 5 ms: a turn of the loop that ran longer shows as a delay of about its length.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('SIGWINCH', () => {
  // A signal is handled in the poll phase, before the next timers phase records the delay of a turn that just ended:
  // read once the monitor's timer has had its turn.
  setTimeout(() => {
    process.stdout.write(`bench-loop-delay ${loop.max / 1e6} ${loop.percentile(99) / 1e6}\n`);
    loop.reset();
  }, 2 * 5);
});
