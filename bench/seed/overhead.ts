// Engine overhead per node: one sopstate run and one baseline run back to back, many times over; the
// median of the pairwise differences, divided by the node count. Pairing cancels drift in machine load.
import { summarize, type Summary } from '../lib/stats.ts';
import type { RunOnce } from './throughput.ts';

export interface Overhead {
  pairs: number;
  /** sopstate latency − baseline latency, per pair (ms). */
  difference: Summary;
  msPerNodeP50: number;
}

async function timed(run: RunOnce): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function pairedOverhead(
  sopstate: RunOnce,
  baseline: RunOnce,
  pairs: number,
  nodes: number,
): Promise<Overhead> {
  const differences: number[] = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    // Alternate who goes first, so neither side always runs on a warmer connection pool.
    if (pair % 2 === 0) {
      const engine = await timed(sopstate);
      differences.push(engine - (await timed(baseline)));
    } else {
      const hand = await timed(baseline);
      differences.push((await timed(sopstate)) - hand);
    }
  }
  const difference = summarize(differences);
  return { pairs, difference, msPerNodeP50: difference.p50 / nodes };
}
