// The readable report: one small table per section, then the targets.
import { round } from '../lib/stats.ts';
import type { BenchReport } from './report.ts';

const fmt = (value: number | null | undefined, unit = ''): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${round(value)}${unit}`;

/** Left-aligned first column, right-aligned numbers. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const last = header.length - 1;
  // Numbers right-aligned; the first column and a trailing text column (note, bound...) left-aligned.
  const text = (column: number) =>
    column === 0 || (column === last && rows.some((row) => /[a-z]{3}/.test(row[column] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (text(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)]
    .map((text) => `  ${text}`)
    .join('\n');
}

function startupSection(report: BenchReport): string[] {
  const startup = report.startup;
  if (!startup) return [];
  const rows = startup.cases.map((entry) => [entry.command, fmt(entry.cpuSeconds, ' s'), `${fmt(entry.ratio)}×`]);
  return [
    `Start-up of the built CLI (${startup.cli}): median CPU (user + system) of ${startup.repeats} runs, interleaved with bare node`,
    table(['command', 'CPU', '÷ node'], [["node -e ''", fmt(startup.bareCpuSeconds, ' s'), '1×'], ...rows]),
    '',
  ];
}

function seedSection(report: BenchReport): string[] {
  const seed = report.seed;
  if (!seed) return [];
  const rows = seed.levels.map((level) => [
    String(level.concurrency),
    String(level.runs),
    fmt(level.sopstate.runsPerSec),
    fmt(level.sopstate.latency.p50),
    fmt(level.sopstate.latency.p99),
    fmt(level.baseline.runsPerSec),
    fmt(level.baseline.latency.p50),
    fmt(level.baseline.latency.p99),
    fmt(level.ratio),
    String(level.sopstate.failures + level.baseline.failures),
  ]);
  const failure = seed.levels
    .flatMap((level) => [level.sopstate.firstFailure, level.baseline.firstFailure])
    .find(Boolean);
  return [
    `Seed throughput — ${seed.nodes}-node payment SOP, emulators in a separate process, sopstate and hand-written baseline alternating`,
    `  (ratio: median over ${seed.levels[0]?.roundRatios.length ?? 0} rounds of sopstate ÷ baseline runs/s in the same round)`,
    table(
      [
        'concurrency',
        'runs/side',
        'sopstate runs/s',
        'p50 ms',
        'p99 ms',
        'baseline runs/s',
        'p50 ms',
        'p99 ms',
        'ratio',
        'failed',
      ],
      rows,
    ),
    ...(failure ? [`  first failure: ${failure}`] : []),
    `  engine overhead per node: ${fmt(seed.overheadMsPerNodeP50, ' ms')} (median of ${seed.overhead.pairs} back-to-back run pairs: ${fmt(seed.overhead.difference.p50, ' ms')} per run ÷ ${seed.nodes} nodes)`,
    `  engine CPU per node: ${fmt(seed.cpuMsPerNode, ' ms')} (CPU per run ${fmt(seed.levels.at(-1)!.sopstate.cpuMsPerRun, ' ms')} vs ${fmt(seed.levels.at(-1)!.baseline.cpuMsPerRun, ' ms')} by hand, concurrency ${seed.levels.at(-1)!.concurrency})`,
    ...xstateLines(seed),
    `  heap per in-flight run (${seed.heap.inFlight} runs parked at the Claude call, after GC, median of ${seed.heap.rounds} round(s)): sopstate ${fmt(seed.heap.sopstateKb, ' KB')}, baseline ${fmt(seed.heap.baselineKb, ' KB')}`,
    '',
  ];
}

/** The hand-written XState machine of the same calls: the floor for the ratio, and what sopstate adds over it. */
function xstateLines(seed: NonNullable<BenchReport['seed']>): string[] {
  const busiest = seed.levels.at(-1)!;
  if (!busiest.xstate) return [];
  const ratios = seed.levels.map((level) => `${fmt(level.xstateRatio)} at ${level.concurrency}`).join(', ');
  return [
    `  hand-written XState machine, same calls: ratio ${ratios}; CPU per run ${fmt(busiest.xstate.cpuMsPerRun, ' ms')}, so sopstate adds ${fmt(seed.addsOverXStateMs, ' ms')} per run`,
    `  engines alone (calls answered from memory, concurrency ${seed.engineAlone.concurrency}): sopstate ${fmt(seed.engineAlone.sopstateMs, ' ms')}, hand-written XState ${fmt(seed.engineAlone.xstateMs, ' ms')} CPU per run, so sopstate adds ${fmt(seed.engineAlone.addsMs, ' ms')}`,
  ];
}

function loopSection(report: BenchReport): string[] {
  const loop = report.loop;
  if (!loop) return [];
  return [
    `Loop memory — one run looping ${loop.visits} times (${loop.status}): heap after GC ${fmt(loop.heapWarmUpMb, ' MB')} at visit ${loop.warmUpVisits}, ${fmt(loop.heapEndMb, ' MB')} at the last (×${fmt(loop.ratio)})`,
    '',
  ];
}

function compileSection(report: BenchReport): string[] {
  const compile = report.compile;
  const corpus = report.corpus;
  const lines: string[] = [];
  if (compile) {
    const rows = compile.cases.map((entry) =>
      entry.skipped
        ? [entry.shape, String(entry.size), '—', '—', '—', entry.skipped]
        : [entry.shape, String(entry.size), fmt(entry.loadMs), fmt(entry.compileMs), String(entry.samples), ''],
    );
    lines.push(
      'Load and compile of generated workflows (median ms)',
      table(['shape', 'nodes', 'load ms', 'compile ms', 'samples', 'note'], rows),
    );
  }
  if (corpus) {
    lines.push(
      corpus.skipped
        ? `  corpus validation: ${corpus.skipped}`
        : `  corpus validation: ${corpus.files} files (${corpus.valid} valid) in ${fmt(corpus.totalMs, ' ms')} (p50 ${fmt(corpus.p50FileMs, ' ms')}/file, max ${fmt(corpus.maxFileMs, ' ms')}); with the official full schema ${fmt(corpus.strictTotalMs, ' ms')}`,
    );
    const catalog = corpus.catalog;
    if (catalog)
      lines.push(
        `  first GET /api/workflows over ${catalog.documents} documents: ${fmt(catalog.firstPageMs, ' ms')}, ${fmt(catalog.firstPageBytes / 1024, ' KB')} body; every page ${fmt(catalog.allPagesMs, ' ms')}, ${fmt(catalog.allPagesBytes / 1024, ' KB')}; RSS ${fmt(catalog.rssBeforeMB, ' MB')} → ${fmt(catalog.rssAfterMB, ' MB')}`,
      );
  }
  return lines.length ? [...lines, ''] : [];
}

function pathsSection(report: BenchReport): string[] {
  const paths = report.paths;
  if (!paths) return [];
  const rows = paths.cases.map((entry) => [
    entry.graph,
    String(entry.nodes),
    String(entry.paths),
    entry.complete ? 'yes' : 'no',
    String(entry.statesExplored),
    fmt(entry.ms),
    entry.stoppedBecause ?? '',
  ]);
  return [
    `Path enumeration (bounds: ${paths.maxPaths} paths, ${paths.maxStates} states)`,
    table(['graph', 'nodes', 'paths', 'complete', 'states', 'ms', 'bound'], rows),
    '',
  ];
}

function sseSection(report: BenchReport): string[] {
  const sse = report.sse;
  if (!sse) return [];
  const measured = sse.levels.flatMap((level, index) => [
    { server: 'sopstate', level },
    { server: 'bare server', level: sse.bare[index] },
  ]);
  const rows = measured.map(({ server, level }) => [
    String(level.subscribers),
    server,
    String(level.runs),
    String(round(level.eventsPerRun)),
    fmt(level.latency.p50),
    fmt(level.latency.p99),
    fmt(level.latency.max),
    `${Math.round(level.clientBusy * 100)}%`,
  ]);
  return [
    `SSE delivery latency — emit → bytes read by a client in another process (clock alignment ±${fmt(sse.clockErrorMs, ' ms')}); the bare server writes a recorded run's frames at their emit times`,
    table(['subscribers', 'server', 'runs', 'events/run', 'p50 ms', 'p99 ms', 'max ms', 'client CPU'], rows),
    '',
  ];
}

function clusterSection(report: BenchReport): string[] {
  const cluster = report.cluster;
  if (!cluster) return [];
  if ('skipped' in cluster) return [`Cluster: skipped — ${cluster.skipped}`, ''];
  const rows = cluster.levels.map((level) => [
    level.store === 'sqlite' ? 'SQLite' : 'PostgreSQL',
    String(level.nodes),
    String(level.runs),
    fmt(level.runsPerSec),
    fmt(level.cpuMsPerRun, ' ms'),
    String(level.failed),
  ]);
  return [
    `Cluster — seed runs posted at once over HTTP to \`sopstate serve\` (${cluster.cli}, --concurrency ${cluster.concurrency}), one emulator process; CPU of the node processes`,
    table(['store', 'nodes', 'runs', 'runs/s', 'CPU/run', 'failed'], rows),
    '',
  ];
}

function serverSection(report: BenchReport): string[] {
  const server = report.server;
  if (!server) return [];
  // The bare server ran the same levels: each level's two rows side by side, then the warm levels' two.
  const pairs = [
    ...server.levels.map((level, index) => [level, server.bare[index], ''] as const),
    [server.sustained, server.bareSustained, ' once warm'] as const,
    [server.warmOneClient, server.bareWarmOneClient, ' once warm'] as const,
  ];
  const rows = pairs.flatMap(([level, bare, when]) =>
    [['sopstate', level] as const, ['bare server', bare] as const].map(([name, measured]) => [
      `${measured.clients}${when}`,
      name,
      String(measured.runs),
      fmt(measured.runsPerSec),
      fmt(measured.cpuMsPerRun, ' ms'),
      fmt(measured.mainThreadCpuMsPerRun, ' ms'),
      fmt(measured.latency.p50),
      fmt(measured.latency.p99),
      String(measured.failed),
    ]),
  );
  const { health, bareHealth } = server;
  return [
    `Server — seed runs started over HTTP to \`sopstate serve\` (${server.cli}, SQLite), each followed over SSE to its final event; CPU of the server process`,
    table(['clients', 'server', 'runs', 'runs/s', 'CPU/run', 'main thread', 'p50 ms', 'p99 ms', 'failed'], rows),
    '  the bare server: node:http running the hand-written XState machine of the same five calls, SSE frames as each call ends, no store (bench/server/bare-server.ts)',
    `  once warm: the last ${server.sustained.runs} runs of ${server.sustained.warmupRuns + server.sustained.runs} at that level, after every other level and with no pause before them (every client connected, the code compiled, no burst of starts); runs/s and CPU/run over the stretch in which they started; then the last ${server.warmOneClient.runs} of ${server.warmOneClient.warmupRuns + server.warmOneClient.runs} by one client`,
    "  main thread: the part of CPU/run that ran JavaScript; the rest is V8's GC and compiler threads and libuv's pool",
    `  /healthz while ${health.runs} runs are in flight: median ${fmt(health.latency.p50, ' ms')}, max ${fmt(health.latency.max, ' ms')} (${health.latency.count} probes over ${fmt(health.elapsedMs / 1000, ' s')}); the server's event-loop delay meanwhile: max ${fmt(health.loopMaxMs, ' ms')}, p99 ${fmt(health.loopP99Ms, ' ms')}`,
    `  the bare server under as many: /healthz median ${fmt(bareHealth.latency.p50, ' ms')}, max ${fmt(bareHealth.latency.max, ' ms')}; event-loop delay max ${fmt(bareHealth.loopMaxMs, ' ms')}, p99 ${fmt(bareHealth.loopP99Ms, ' ms')}`,
    `  ${server.parked.runs} runs parked at a human node: RSS ${fmt(server.parked.baseMb, ' MB')} → ${fmt(server.parked.parkedMb, ' MB')} parked → ${fmt(server.parked.afterMb, ' MB')} once they finished; heap after GC ${fmt(server.parked.heapBaseMb, ' MB')} → ${fmt(server.parked.heapParkedMb, ' MB')} → ${fmt(server.parked.heapAfterMb, ' MB')}`,
    '',
  ];
}

export function renderTable(report: BenchReport): string {
  const { machine } = report;
  const targets = report.targets.map((check) => [
    check.label,
    fmt(check.value),
    check.target,
    check.met === null ? 'not measured' : check.met ? 'met' : 'MISSED',
  ]);
  return [
    `sopstate benchmarks (${report.mode}) — ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, load average ${fmt(machine.loadAverage)} at start`,
    '',
    ...startupSection(report),
    ...seedSection(report),
    ...compileSection(report),
    ...pathsSection(report),
    ...sseSection(report),
    ...clusterSection(report),
    ...serverSection(report),
    ...loopSection(report),
    'Targets (reported, not asserted)',
    table(['metric', 'value', 'target', ''], targets),
    ...Object.entries(report.errors).map(([section, message]) => `  ${section} could not run: ${message}`),
    `  took ${fmt(report.durationMs / 1000, ' s')}`,
  ].join('\n');
}
