// Percentiles and the targets verdict the bench prints: pure functions, checked without timing anything.
import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../../bench/lib/stats.ts';
import { buildReport, type Machine } from '../../bench/report/report.ts';
import { renderTable } from '../../bench/report/table.ts';
import { checkTargets } from '../../bench/report/targets.ts';

const machine: Machine = { nproc: 2, cpu: 'Test CPU', node: 'v20.0.0', platform: 'linux x64', loadAverage: 1 };

describe('stats', () => {
  it('uses nearest-rank percentiles: p50 of 1..100 is 50, p99 is 99, and one sample is every percentile', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(summarize([]).p50).toBeNaN();
  });
});

describe('targets', () => {
  it('says which targets were met, missed, or not measured', () => {
    const checks = checkTargets({
      startup_help_ratio: 2.9,
      startup_validate_ratio: 5.1,
      startup_dry_run_ratio: null,
      throughput_ratio: 0.83,
      xstate_throughput_ratio: 0.85,
      sopstate_adds_ms_per_run: 0.5,
      engine_alone_adds_ms_per_run: 0.4,
      overhead_ms_per_node_p50: 1.5,
      heap_kb_per_run: null,
      server_cpu_ms_per_run: 8,
      server_runs_per_sec_100_clients: 92,
      server_p99_ms_100_clients: 999,
      server_bare_cpu_ms_per_run: 4.5,
      server_bare_runs_per_sec_100_clients: 200,
      server_bare_p99_ms_100_clients: 700,
      server_sustained_cpu_ms_per_run: 8.5,
      server_sustained_runs_per_sec: 93,
      server_sustained_p99_ms: 1000,
      server_bare_sustained_cpu_ms_per_run: 4,
      server_bare_sustained_runs_per_sec: 250,
      server_warm_one_client_cpu_ms_per_run: 8,
      server_warm_one_client_main_thread_cpu_ms_per_run: 7,
      server_bare_warm_one_client_cpu_ms_per_run: 5,
      healthz_median_ms_500_runs: 50,
      server_loop_max_ms_500_runs: 50,
      server_bare_healthz_median_ms_500_runs: 2,
      server_bare_loop_max_ms_500_runs: 40,
      compile_ms_1000_nodes: 99,
      load_compile_ms_5000_nodes: 600,
      paths_ms_1000_chain: null,
      paths_ms_5000_chain: 9999,
      paths_ms_10000_chain: 10_000,
      paths_ms_2000_join: 9000,
      catalog_first_list_ms: 1999,
      catalog_rss_growth_mb: 200,
      loop_heap_ratio_10000_visits: 1.25,
      sse_p99_ms_100_subscribers: 20,
      sse_bare_p99_ms_100_subscribers: 5,
      server_heap_kb_per_parked_run: 60,
      server_heap_mb_kept_after_parked_runs: 1,
    });
    expect(Object.fromEntries(checks.map((check) => [check.metric, check.met]))).toEqual({
      startup_help_ratio: true,
      startup_validate_ratio: false,
      startup_dry_run_ratio: null,
      throughput_ratio: true,
      sopstate_adds_ms_per_run: false,
      engine_alone_adds_ms_per_run: true,
      overhead_ms_per_node_p50: false,
      heap_kb_per_run: null,
      server_cpu_ms_per_run: true,
      server_runs_per_sec_100_clients: false,
      server_p99_ms_100_clients: true,
      server_sustained_cpu_ms_per_run: false,
      server_sustained_runs_per_sec: true,
      server_sustained_p99_ms: false,
      server_warm_one_client_cpu_ms_per_run: true,
      healthz_median_ms_500_runs: false,
      server_loop_max_ms_500_runs: true,
      compile_ms_1000_nodes: true,
      load_compile_ms_5000_nodes: false,
      paths_ms_1000_chain: null,
      paths_ms_5000_chain: true,
      paths_ms_10000_chain: false,
      paths_ms_2000_join: true,
      catalog_first_list_ms: true,
      catalog_rss_growth_mb: false,
      loop_heap_ratio_10000_visits: true,
      sse_p99_ms_100_subscribers: false,
    });
  });

  it('takes the server figures at 100 clients (sopstate and the bare server), the loop ratio and the catalog growth into the headline', () => {
    const latency = { count: 300, p50: 400, p99: 1200, max: 1500, mean: 450 };
    const report = buildReport(
      'quick',
      machine,
      {
        server: {
          levels: [
            { clients: 10, runs: 100, runsPerSec: 50, cpuMsPerRun: 9, mainThreadCpuMsPerRun: 7, latency, failed: 0 },
            { clients: 100, runs: 300, runsPerSec: 95, cpuMsPerRun: 7.5, mainThreadCpuMsPerRun: 6, latency, failed: 0 },
          ],
          bare: [
            {
              clients: 10,
              runs: 100,
              runsPerSec: 150,
              cpuMsPerRun: 5.5,
              mainThreadCpuMsPerRun: 4.5,
              latency,
              failed: 0,
            },
            {
              clients: 100,
              runs: 300,
              runsPerSec: 210,
              cpuMsPerRun: 4.25,
              mainThreadCpuMsPerRun: 3.5,
              latency: { ...latency, p99: 650 },
              failed: 0,
            },
          ],
          health: { runs: 500, latency: { ...latency, p50: 30 }, elapsedMs: 4000, loopMaxMs: 120.5, loopP99Ms: 60 },
          bareHealth: { runs: 500, latency: { ...latency, p50: 4 }, elapsedMs: 2000, loopMaxMs: 45, loopP99Ms: 20 },
          sustained: {
            clients: 100,
            runs: 600,
            warmupRuns: 900,
            runsPerSec: 150,
            cpuMsPerRun: 6.5,
            mainThreadCpuMsPerRun: 5.25,
            latency: { ...latency, p99: 720 },
            failed: 0,
          },
          bareSustained: {
            clients: 100,
            runs: 600,
            warmupRuns: 900,
            runsPerSec: 230,
            cpuMsPerRun: 4,
            mainThreadCpuMsPerRun: 3.25,
            latency,
            failed: 0,
          },
          warmOneClient: {
            clients: 1,
            runs: 200,
            warmupRuns: 100,
            runsPerSec: 60,
            cpuMsPerRun: 12.5,
            mainThreadCpuMsPerRun: 10.5,
            latency,
            failed: 0,
          },
          bareWarmOneClient: {
            clients: 1,
            runs: 200,
            warmupRuns: 100,
            runsPerSec: 110,
            cpuMsPerRun: 6.75,
            mainThreadCpuMsPerRun: 5.5,
            latency,
            failed: 0,
          },
          parked: {
            runs: 1000,
            baseMb: 80,
            parkedMb: 120,
            afterMb: 100,
            heapBaseMb: 20,
            heapParkedMb: 80,
            heapAfterMb: 21,
          },
          cli: 'dist/cli/main.js',
        },
        loop: { visits: 10_000, warmUpVisits: 100, status: 'COMPLETED', heapWarmUpMb: 10, heapEndMb: 11, ratio: 1.1 },
      },
      {},
      10,
    );
    expect([
      report.server_cpu_ms_per_run,
      report.server_runs_per_sec_100_clients,
      report.server_p99_ms_100_clients,
    ]).toEqual([7.5, 95, 1200]);
    expect([
      report.server_bare_cpu_ms_per_run,
      report.server_bare_runs_per_sec_100_clients,
      report.server_bare_p99_ms_100_clients,
    ]).toEqual([4.25, 210, 650]);
    expect([
      report.server_sustained_cpu_ms_per_run,
      report.server_sustained_runs_per_sec,
      report.server_sustained_p99_ms,
    ]).toEqual([6.5, 150, 720]);
    expect([report.server_bare_sustained_cpu_ms_per_run, report.server_bare_sustained_runs_per_sec]).toEqual([4, 230]);
    expect([
      report.server_warm_one_client_cpu_ms_per_run,
      report.server_warm_one_client_main_thread_cpu_ms_per_run,
      report.server_bare_warm_one_client_cpu_ms_per_run,
    ]).toEqual([12.5, 10.5, 6.75]);
    expect(report.healthz_median_ms_500_runs).toBe(30);
    expect(report.server_loop_max_ms_500_runs).toBe(120.5);
    expect([report.server_bare_healthz_median_ms_500_runs, report.server_bare_loop_max_ms_500_runs]).toEqual([4, 45]);
    expect(report.loop_heap_ratio_10000_visits).toBe(1.1);
    // 60 MB of heap over 1,000 parked runs; 1 MB of it still there once they finished.
    expect(report.server_heap_kb_per_parked_run).toBeCloseTo(61.44, 2);
    expect(report.server_heap_mb_kept_after_parked_runs).toBe(1);
    const text = renderTable(report);
    expect(text).toContain('heap after GC 20 MB → 80 MB → 21 MB');
    expect(text).toContain("the server's event-loop delay meanwhile: max 120.5 ms, p99 60 ms");
    expect(text).toContain('the bare server under as many: /healthz median 4 ms');
    expect(text).toContain('event-loop delay max 45 ms, p99 20 ms');
    // Each level's sopstate row, then the bare server's at the same level.
    const serverRows = text
      .split('\n')
      .map((line) =>
        /^\s*(10|100|100 once warm|1 once warm)\s+(sopstate|bare server)\s+(\d+)\s+(\S+)\s+(\S+ ms)\s+(\S+ ms)\s/
          .exec(line)
          ?.slice(1),
      )
      .filter((row) => row !== undefined);
    expect(serverRows).toEqual([
      ['10', 'sopstate', '100', '50', '9 ms', '7 ms'],
      ['10', 'bare server', '100', '150', '5.5 ms', '4.5 ms'],
      ['100', 'sopstate', '300', '95', '7.5 ms', '6 ms'],
      ['100', 'bare server', '300', '210', '4.25 ms', '3.5 ms'],
      ['100 once warm', 'sopstate', '600', '150', '6.5 ms', '5.25 ms'],
      ['100 once warm', 'bare server', '600', '230', '4 ms', '3.25 ms'],
      ['1 once warm', 'sopstate', '200', '60', '12.5 ms', '10.5 ms'],
      ['1 once warm', 'bare server', '200', '110', '6.75 ms', '5.5 ms'],
    ]);
    expect(text).toContain('once warm: the last 600 runs of 1500 at that level');
    expect(text).toContain('then the last 200 of 300 by one client');
    expect(text).toMatch(/server CPU per seed run, 1 client once warm\s+12\.5\s+≤ 8 ms\s+MISSED/);
    expect(text).toMatch(/server start-to-final p99, 100 clients, once warm\s+720\s+< 1000 ms\s+met/);
    expect(text).toMatch(/server start-to-final p99, 100 clients\s+1200\s+< 1000 ms\s+MISSED/);
    expect(text).toContain('Loop memory — one run looping 10000 times (COMPLETED)');
  });

  it('a report with only compile figures prints them, marks the rest not measured, and names a failed section', () => {
    const report = buildReport(
      'quick',
      machine,
      {
        compile: {
          cases: [{ shape: 'chain', size: 1000, loadMs: 20, compileMs: 150, samples: 3 }],
          compileMs1000: 150,
          compileMs1000Stopped: false,
        },
      },
      { sse: 'the server did not start' },
      1234,
    );
    expect(report.compile_ms_1000_nodes).toBe(150);
    expect(report.throughput_ratio).toBeNull();
    const text = renderTable(report);
    expect(text).toContain('2 × Test CPU, Node v20.0.0');
    expect(text).toMatch(/1000-node compile \(slowest shape\)\s+150\s+< 100 ms\s+MISSED/);
    expect(text).toMatch(/seed throughput ÷ hand-written baseline, concurrency 200\s+—\s+≥ 0\.82\s+not measured/);
    expect(text).toContain('sse could not run: the server did not start');
  });

  it('prints the start-up figures as multiples of bare node and checks them against their targets', () => {
    const cases = [
      { name: 'help' as const, command: 'sopstate --help', cpuSeconds: 0.2, ratio: 2 },
      { name: 'validate' as const, command: 'sopstate validate seed.osop.yaml', cpuSeconds: 0.6, ratio: 6 },
      { name: 'dryRun' as const, command: 'sopstate run seed.osop.yaml --dry-run', cpuSeconds: 0.5, ratio: 5 },
    ];
    const report = buildReport(
      'quick',
      machine,
      { startup: { cli: 'dist/cli/main.js', repeats: 5, bareCpuSeconds: 0.1, cases } },
      {},
      10,
    );
    expect(report.startup_validate_ratio).toBe(6);
    const text = renderTable(report);
    expect(text).toMatch(/sopstate --help\s+0\.2 s\s+2×/);
    expect(text).toMatch(/sopstate validate <seed> CPU ÷ bare node\s+6\s+≤ 5×\s+MISSED/);
    expect(text).toMatch(/sopstate run <seed> --dry-run CPU ÷ bare node\s+5\s+≤ 5×\s+met/);
  });
});
