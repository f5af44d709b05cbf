// Everything one invocation measured, as the --json object and the source of the table.
import { cpus, loadavg } from 'node:os';
import { availableParallelism } from 'node:os';
import type { ClusterReport } from '../cluster/cluster-bench.ts';
import type { CompileReport } from '../compile/compile-bench.ts';
import type { CorpusReport } from '../compile/corpus-bench.ts';
import type { LoopReport } from '../loop/loop-bench.ts';
import type { PathsReport } from '../paths/paths-bench.ts';
import type { SeedReport } from '../seed/seed-bench.ts';
import type { ServerReport } from '../server/server-bench.ts';
import type { SseReport } from '../sse/sse-bench.ts';
import type { StartupReport } from '../startup/startup-bench.ts';
import { checkTargets, type Headline, type TargetCheck } from './targets.ts';

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  loadAverage: number;
}

export interface BenchReport extends Headline {
  mode: 'quick' | 'full';
  machine: Machine;
  targets: TargetCheck[];
  startup?: StartupReport;
  seed?: SeedReport;
  compile?: CompileReport;
  corpus?: CorpusReport;
  paths?: PathsReport;
  sse?: SseReport;
  cluster?: ClusterReport;
  server?: ServerReport;
  loop?: LoopReport;
  /** Sections that could not run, with the reason. */
  errors: Record<string, string>;
  durationMs: number;
}

export function describeMachine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg()[0],
  };
}

export interface Sections {
  startup?: StartupReport;
  seed?: SeedReport;
  compile?: CompileReport;
  corpus?: CorpusReport;
  paths?: PathsReport;
  sse?: SseReport;
  cluster?: ClusterReport;
  server?: ServerReport;
  loop?: LoopReport;
}

const orNull = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value;

export function buildReport(
  mode: BenchReport['mode'],
  machine: Machine,
  sections: Sections,
  errors: Record<string, string>,
  durationMs: number,
): BenchReport {
  const at200 = sections.seed?.levels.find((level) => level.concurrency === 200);
  const at100 = sections.server?.levels.find((level) => level.clients === 100);
  const bareAt100 = sections.server?.bare.find((level) => level.clients === 100);
  const startup = (name: string) => orNull(sections.startup?.cases.find((entry) => entry.name === name)?.ratio);
  const paths = (graph: string) => orNull(sections.paths?.cases.find((entry) => entry.graph === graph)?.ms);
  const catalog = sections.corpus?.catalog;
  const parked = sections.server?.parked;
  const headline: Headline = {
    startup_help_ratio: startup('help'),
    startup_validate_ratio: startup('validate'),
    startup_dry_run_ratio: startup('dryRun'),
    throughput_ratio: orNull(at200?.ratio),
    xstate_throughput_ratio: orNull(at200?.xstateRatio),
    sopstate_adds_ms_per_run: orNull(sections.seed?.addsOverXStateMs),
    engine_alone_adds_ms_per_run: orNull(sections.seed?.engineAlone.addsMs),
    overhead_ms_per_node_p50: orNull(sections.seed?.overheadMsPerNodeP50),
    heap_kb_per_run: orNull(sections.seed?.heap.sopstateKb),
    server_cpu_ms_per_run: orNull(at100?.cpuMsPerRun),
    server_runs_per_sec_100_clients: orNull(at100?.runsPerSec),
    server_p99_ms_100_clients: orNull(at100?.latency.p99),
    server_bare_cpu_ms_per_run: orNull(bareAt100?.cpuMsPerRun),
    server_bare_runs_per_sec_100_clients: orNull(bareAt100?.runsPerSec),
    server_bare_p99_ms_100_clients: orNull(bareAt100?.latency.p99),
    server_sustained_cpu_ms_per_run: orNull(sections.server?.sustained.cpuMsPerRun),
    server_sustained_runs_per_sec: orNull(sections.server?.sustained.runsPerSec),
    server_sustained_p99_ms: orNull(sections.server?.sustained.latency.p99),
    server_bare_sustained_cpu_ms_per_run: orNull(sections.server?.bareSustained.cpuMsPerRun),
    server_bare_sustained_runs_per_sec: orNull(sections.server?.bareSustained.runsPerSec),
    server_warm_one_client_cpu_ms_per_run: orNull(sections.server?.warmOneClient.cpuMsPerRun),
    server_warm_one_client_main_thread_cpu_ms_per_run: orNull(sections.server?.warmOneClient.mainThreadCpuMsPerRun),
    server_bare_warm_one_client_cpu_ms_per_run: orNull(sections.server?.bareWarmOneClient.cpuMsPerRun),
    server_heap_kb_per_parked_run: orNull(parked && ((parked.heapParkedMb - parked.heapBaseMb) * 1024) / parked.runs),
    server_heap_mb_kept_after_parked_runs: orNull(parked && parked.heapAfterMb - parked.heapBaseMb),
    healthz_median_ms_500_runs: orNull(sections.server?.health.latency.p50),
    server_loop_max_ms_500_runs: orNull(sections.server?.health.loopMaxMs),
    server_bare_healthz_median_ms_500_runs: orNull(sections.server?.bareHealth.latency.p50),
    server_bare_loop_max_ms_500_runs: orNull(sections.server?.bareHealth.loopMaxMs),
    compile_ms_1000_nodes: orNull(sections.compile?.compileMs1000),
    load_compile_ms_5000_nodes: orNull(sections.compile?.loadCompileMs5000),
    paths_ms_1000_chain: paths('1,000-node chain'),
    paths_ms_5000_chain: paths('5,000-node chain'),
    paths_ms_10000_chain: paths('10,000-node chain'),
    paths_ms_2000_join: paths('2,000-branch join'),
    catalog_first_list_ms: orNull(catalog?.firstPageMs),
    catalog_rss_growth_mb: orNull(catalog && catalog.rssAfterMB - catalog.rssBeforeMB),
    loop_heap_ratio_10000_visits: orNull(sections.loop?.ratio),
    sse_p99_ms_100_subscribers: orNull(sections.sse?.levels.find((level) => level.subscribers === 100)?.latency.p99),
    sse_bare_p99_ms_100_subscribers: orNull(sections.sse?.bare.find((level) => level.subscribers === 100)?.latency.p99),
  };
  return { ...headline, mode, machine, targets: checkTargets(headline), ...sections, errors, durationMs };
}
