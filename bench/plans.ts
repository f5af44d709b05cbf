// How much each section measures: --quick stays under 2 minutes on 2 busy cores, the full run under 5.
import type { ClusterPlan } from './cluster/cluster-bench.ts';
import type { CompilePlan } from './compile/compile-bench.ts';
import type { SeedPlan } from './seed/seed-bench.ts';
import type { ServerPlan } from './server/server-bench.ts';
import type { SsePlan } from './sse/sse-bench.ts';
import type { StartupPlan } from './startup/startup-bench.ts';

export interface Plan {
  startup: StartupPlan;
  seed: SeedPlan;
  compile: CompilePlan;
  pathSizes: number[];
  sse: SsePlan;
  cluster: ClusterPlan;
  server: ServerPlan;
}

export const QUICK: Plan = {
  startup: { repeats: 5 },
  seed: {
    levels: [
      [1, 10],
      [50, 80],
      [200, 250],
    ],
    overheadPairs: 60,
    rounds: 3,
    warmupRuns: 20,
    heapInFlight: 200,
    engineAlone: { runs: 2000, concurrency: 20, rounds: 3 },
    heapRounds: 1,
  },
  compile: { sizes: [10, 100, 1000, 5000], repeats: 3, caseBudgetMs: 1500, caseTimeoutMs: 10_000 },
  pathSizes: [20, 50, 200],
  sse: {
    levels: [
      [1, 5],
      [10, 3],
      [100, 2],
      [1000, 1],
    ],
  },
  cluster: { runs: 100, warmupRuns: 20, concurrency: 50, nodeCounts: [1, 2, 3] },
  server: {
    levels: [
      [1, 30],
      [10, 100],
      [100, 300],
    ],
    warmupRuns: 30,
    healthRuns: 500,
    parkedRuns: 1000,
    sustained: { clients: 100, warmupRuns: 900, runs: 600 },
    warmOneClient: { warmupRuns: 100, runs: 200 },
  },
};

export const FULL: Plan = {
  startup: { repeats: 15 },
  seed: {
    levels: [
      [1, 20],
      [50, 200],
      [200, 600],
    ],
    overheadPairs: 200,
    rounds: 4,
    warmupRuns: 40,
    heapInFlight: 200,
    engineAlone: { runs: 4000, concurrency: 20, rounds: 5 },
    heapRounds: 3,
  },
  compile: { sizes: [10, 100, 1000, 5000], repeats: 7, caseBudgetMs: 4000, caseTimeoutMs: 15_000 },
  pathSizes: [20, 50, 200],
  sse: {
    levels: [
      [1, 10],
      [10, 5],
      [100, 5],
      [1000, 2],
    ],
  },
  cluster: { runs: 300, warmupRuns: 40, concurrency: 50, nodeCounts: [1, 2, 3] },
  server: {
    levels: [
      [1, 60],
      [10, 300],
      [100, 600],
    ],
    warmupRuns: 60,
    healthRuns: 500,
    parkedRuns: 1000,
    sustained: { clients: 100, warmupRuns: 1200, runs: 1200 },
    warmOneClient: { warmupRuns: 200, runs: 500 },
  },
};
