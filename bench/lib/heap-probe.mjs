// Preloaded into every benched `sopstate serve` (node --expose-gc --import): on SIGUSR2 it collects garbage and
// prints the heap in use, so the bench can read the server's live objects rather than its RSS (pages it keeps).
process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  process.stdout.write(`bench-heap-used ${process.memoryUsage().heapUsed}\n`);
});
