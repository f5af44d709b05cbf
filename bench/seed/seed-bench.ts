// Section 1–2: seed throughput against the sandbox process, engine overhead per node, heap per in-flight run.
import { SEED_FILE } from '../lib/repo.ts';
import { createBaseline } from './baseline.ts';
import { createXStateBaseline } from './xstate-baseline.ts';
import { createEngine, loadSeed } from './engine.ts';
import { measureEngineAlone, type EngineAloneReport } from './engine-alone.ts';
import { measureHeap, type HeapResult } from './heap.ts';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import { pairedOverhead, type Overhead } from './overhead.ts';
import { compare, runBatch, type Comparison } from './throughput.ts';

export interface SeedPlan {
  /** [concurrency, runs per side per round]. */
  levels: Array<[number, number]>;
  /** Back-to-back sopstate/baseline pairs for the overhead per node. */
  overheadPairs: number;
  rounds: number;
  warmupRuns: number;
  heapInFlight: number;
  heapRounds: number;
  /** CPU per run of the engine alone (calls answered from memory), sopstate against the hand-written XState machine. */
  engineAlone: { runs: number; concurrency: number; rounds: number };
}

export interface SeedReport {
  seedFile: string;
  nodes: number;
  levels: Comparison[];
  /** Median of paired (sopstate − baseline) run latencies at concurrency 1, per node. */
  overheadMsPerNodeP50: number;
  overhead: Overhead;
  /** (sopstate − baseline) CPU ms per run, per node, at the highest concurrency. */
  cpuMsPerNode: number;
  /** (sopstate − hand-written XState machine) CPU ms per run at the highest concurrency: what sopstate adds. */
  addsOverXStateMs: number;
  heap: HeapResult;
  engineAlone: EngineAloneReport;
}

export async function benchSeed(
  plan: SeedPlan,
  sandbox: SandboxUrls,
  progress: (line: string) => void,
): Promise<SeedReport> {
  const workflow = await loadSeed(SEED_FILE);
  const sopstate = createEngine(workflow, sandbox);
  const baseline = createBaseline(sandbox);
  const xstate = createXStateBaseline(sandbox);
  for (const run of [baseline, xstate, sopstate]) {
    const warm = await runBatch(run, plan.warmupRuns, 10);
    if (warm.failures > 0) throw new Error(`warm-up runs failed: ${warm.firstFailure}`);
  }
  const levels: Comparison[] = [];
  for (const [concurrency, runsPerRound] of plan.levels) {
    progress(`seed: ${runsPerRound * plan.rounds} runs per side at concurrency ${concurrency}`);
    levels.push(await compare({ sopstate, baseline, xstate }, { concurrency, runsPerRound, rounds: plan.rounds }));
  }
  progress(`seed: ${plan.overheadPairs} back-to-back pairs for the overhead per node`);
  const overhead = await pairedOverhead(sopstate, baseline, plan.overheadPairs, workflow.nodes.length);
  const busiest = levels.at(-1)!;
  const cpuMsPerNode = (busiest.sopstate.cpuMsPerRun - busiest.baseline.cpuMsPerRun) / workflow.nodes.length;
  const addsOverXStateMs = busiest.xstate ? busiest.sopstate.cpuMsPerRun - busiest.xstate.cpuMsPerRun : Number.NaN;
  progress(`seed: heap with ${plan.heapInFlight} runs in flight`);
  const heap = await measureHeap(workflow, sandbox, plan.heapInFlight, plan.heapRounds);
  progress(`seed: the engine alone, ${plan.engineAlone.runs} runs per side and round, calls answered from memory`);
  const engineAlone = await measureEngineAlone(workflow, sandbox, plan.engineAlone);
  return {
    seedFile: SEED_FILE,
    nodes: workflow.nodes.length,
    levels,
    overheadMsPerNodeP50: overhead.msPerNodeP50,
    overhead,
    cpuMsPerNode,
    addsOverXStateMs,
    heap,
    engineAlone,
  };
}
