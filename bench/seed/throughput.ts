// Runs/s and run latency at a given concurrency, alternating sopstate, the hand-written baseline and (optionally) the
// hand-written XState machine.
import { percentile, summarize, type Summary } from '../lib/stats.ts';

export type RunOnce = () => Promise<void>;

export interface BatchResult {
  latencies: number[];
  elapsedMs: number;
  /** CPU time of this process (user + system) during the batch. */
  cpuMs: number;
  failures: number;
  firstFailure?: string;
}

/** `count` runs, `concurrency` at a time; each worker starts the next run as soon as its last one ends. */
export async function runBatch(run: RunOnce, count: number, concurrency: number): Promise<BatchResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      try {
        await run();
        latencies.push(performance.now() - started);
      } catch (error) {
        failures += 1;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const used = process.cpuUsage(cpu);
  return {
    latencies,
    elapsedMs: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

interface SideResult {
  runsPerSec: number;
  latency: Summary;
  /** CPU ms this process spent per run: the engine's cost without the wait for the emulators. */
  cpuMsPerRun: number;
  failures: number;
  firstFailure?: string;
}

export interface Comparison {
  concurrency: number;
  runs: number;
  sopstate: SideResult;
  baseline: SideResult;
  /** The same calls in a hand-written XState machine: the floor for sopstate's ratio. */
  xstate?: SideResult;
  /** Median over rounds of sopstate runs/s ÷ baseline runs/s in the same round (robust to one disturbed round). */
  ratio: number;
  roundRatios: number[];
  /** The same for the hand-written XState machine. */
  xstateRatio?: number;
}

function side(batches: BatchResult[]): SideResult {
  const latencies = batches.flatMap((batch) => batch.latencies);
  const elapsed = batches.reduce((sum, batch) => sum + batch.elapsedMs, 0);
  const cpu = batches.reduce((sum, batch) => sum + batch.cpuMs, 0);
  const failures = batches.reduce((sum, batch) => sum + batch.failures, 0);
  const firstFailure = batches.find((batch) => batch.firstFailure)?.firstFailure;
  return {
    runsPerSec: (latencies.length / elapsed) * 1000,
    latency: summarize(latencies),
    cpuMsPerRun: cpu / Math.max(1, latencies.length + failures),
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

export interface CompareOptions {
  concurrency: number;
  /** Runs per side per round. */
  runsPerRound: number;
  /** Rounds; the side that goes first rotates every round so drift in machine load hits every side. */
  rounds: number;
}

export interface Sides {
  sopstate: RunOnce;
  baseline: RunOnce;
  xstate?: RunOnce;
}

export async function compare(sides: Sides, options: CompareOptions): Promise<Comparison> {
  const names = (Object.keys(sides) as Array<keyof Sides>).filter((name) => sides[name] !== undefined);
  const batches: Record<keyof Sides, BatchResult[]> = { sopstate: [], baseline: [], xstate: [] };
  for (let round = 0; round < options.rounds; round += 1) {
    const order = names.map((_, index) => names[(index + round) % names.length]);
    for (const name of order)
      batches[name].push(await runBatch(sides[name]!, options.runsPerRound, options.concurrency));
  }
  const rate = (batch: BatchResult) => batch.latencies.length / batch.elapsedMs;
  const ratiosOf = (name: keyof Sides) =>
    batches[name].map((batch, round) => rate(batch) / rate(batches.baseline[round]));
  const roundRatios = ratiosOf('sopstate');
  return {
    concurrency: options.concurrency,
    runs: options.runsPerRound * options.rounds,
    sopstate: side(batches.sopstate),
    baseline: side(batches.baseline),
    ...(sides.xstate ? { xstate: side(batches.xstate), xstateRatio: percentile(ratiosOf('xstate'), 50) } : {}),
    ratio: percentile(roundRatios, 50),
    roundRatios,
  };
}
