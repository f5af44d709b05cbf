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
      throughput_ratio: 0.95,
      overhead_ms_per_node_p50: 1.5,
      heap_kb_per_run: null,
      compile_ms_1000_nodes: 99,
      load_compile_ms_5000_nodes: 600,
      paths_ms_1000_chain: null,
      paths_ms_2000_join: 9000,
      sse_p99_ms_100_subscribers: 20,
    });
    expect(Object.fromEntries(checks.map((check) => [check.metric, check.met]))).toEqual({
      startup_help_ratio: true,
      startup_validate_ratio: false,
      startup_dry_run_ratio: null,
      throughput_ratio: true,
      overhead_ms_per_node_p50: false,
      heap_kb_per_run: null,
      compile_ms_1000_nodes: true,
      load_compile_ms_5000_nodes: false,
      paths_ms_1000_chain: null,
      paths_ms_2000_join: true,
      sse_p99_ms_100_subscribers: false,
    });
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
    expect(text).toMatch(/throughput ratio at concurrency 200\s+—\s+≥ 0\.9\s+not measured/);
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
    expect(text).toMatch(/sopstate run <seed> --dry-run CPU ÷ bare node\s+5\s+≤ 8×\s+met/);
  });
});
