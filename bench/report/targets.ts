// The targets: reported against, never asserted.
export interface Headline {
  /** CPU of `sopstate --help` (built CLI) ÷ CPU of `node -e ''`. */
  startup_help_ratio: number | null;
  startup_validate_ratio: number | null;
  startup_dry_run_ratio: number | null;
  /** sopstate runs/s ÷ baseline runs/s at concurrency 200. */
  throughput_ratio: number | null;
  overhead_ms_per_node_p50: number | null;
  heap_kb_per_run: number | null;
  /** The slowest of chain / diamonds / fan-out at 1000 nodes. */
  compile_ms_1000_nodes: number | null;
  /** Load + compile, the slowest of chain / diamonds / fan-out at 5000 nodes (the time limit when one was stopped). */
  load_compile_ms_5000_nodes: number | null;
  /** `paths` (enumeratePaths) on a 1,000-node chain. */
  paths_ms_1000_chain: number | null;
  /** `paths` on one fork of 2,000 branches joining at one node. */
  paths_ms_2000_join: number | null;
  sse_p99_ms_100_subscribers: number | null;
}

export interface TargetCheck {
  metric: keyof Headline;
  label: string;
  value: number | null;
  target: string;
  met: boolean | null;
}

const TARGETS: Array<{ metric: keyof Headline; label: string; target: string; met: (value: number) => boolean }> = [
  {
    metric: 'startup_help_ratio',
    label: 'sopstate --help CPU ÷ bare node',
    target: '≤ 3×',
    met: (value) => value <= 3,
  },
  {
    metric: 'startup_validate_ratio',
    label: 'sopstate validate <seed> CPU ÷ bare node',
    target: '≤ 5×',
    met: (value) => value <= 5,
  },
  {
    metric: 'startup_dry_run_ratio',
    label: 'sopstate run <seed> --dry-run CPU ÷ bare node',
    target: '≤ 8×',
    met: (value) => value <= 8,
  },
  {
    metric: 'throughput_ratio',
    label: 'throughput ratio at concurrency 200',
    target: '≥ 0.9',
    met: (value) => value >= 0.9,
  },
  {
    metric: 'overhead_ms_per_node_p50',
    label: 'engine overhead per node (p50)',
    target: '≤ 1 ms',
    met: (value) => value <= 1,
  },
  { metric: 'heap_kb_per_run', label: 'heap per in-flight run', target: '≤ 64 KB', met: (value) => value <= 64 },
  {
    metric: 'compile_ms_1000_nodes',
    label: '1000-node compile (slowest shape)',
    target: '< 100 ms',
    met: (value) => value < 100,
  },
  {
    metric: 'load_compile_ms_5000_nodes',
    label: '5000-node load + compile (slowest shape)',
    target: '< 500 ms',
    met: (value) => value < 500,
  },
  { metric: 'paths_ms_1000_chain', label: 'paths, 1,000-node chain', target: '< 500 ms', met: (value) => value < 500 },
  {
    metric: 'paths_ms_2000_join',
    label: 'paths, 2,000-branch join',
    target: '< 10 s',
    met: (value) => value < 10_000,
  },
  {
    metric: 'sse_p99_ms_100_subscribers',
    label: 'SSE p99 at 100 subscribers',
    target: '< 20 ms',
    met: (value) => value < 20,
  },
];

export function checkTargets(headline: Headline): TargetCheck[] {
  return TARGETS.map(({ metric, label, target, met }) => {
    const value = headline[metric];
    return { metric, label, value, target, met: value === null ? null : met(value) };
  });
}
