// `npm run bench` as a user runs it, on its fastest section: --json prints one JSON object with the headline keys; a bad flag is a usage error.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const bench = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { cwd: ROOT });

describe('npm run bench', () => {
  it('--quick --json --only corpus prints exactly one JSON object carrying every headline key', async () => {
    const { stdout } = await bench('--quick', '--json', '--only', 'corpus');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]) as Record<string, unknown>;
    // One key per row of issue 20's table (and the earlier start-up and engine figures).
    for (const key of [
      'server_cpu_ms_per_run',
      'server_runs_per_sec_100_clients',
      'server_p99_ms_100_clients',
      'server_bare_cpu_ms_per_run',
      'server_bare_runs_per_sec_100_clients',
      'server_bare_p99_ms_100_clients',
      'server_sustained_cpu_ms_per_run',
      'server_sustained_runs_per_sec',
      'server_sustained_p99_ms',
      'server_bare_sustained_cpu_ms_per_run',
      'server_bare_sustained_runs_per_sec',
      'server_warm_one_client_cpu_ms_per_run',
      'server_warm_one_client_main_thread_cpu_ms_per_run',
      'server_bare_warm_one_client_cpu_ms_per_run',
      'throughput_ratio',
      'xstate_throughput_ratio',
      'sopstate_adds_ms_per_run',
      'engine_alone_adds_ms_per_run',
      'sse_p99_ms_100_subscribers',
      'sse_bare_p99_ms_100_subscribers',
      'server_heap_kb_per_parked_run',
      'server_heap_mb_kept_after_parked_runs',
      'compile_ms_1000_nodes',
      'load_compile_ms_5000_nodes',
      'paths_ms_1000_chain',
      'paths_ms_5000_chain',
      'paths_ms_10000_chain',
      'paths_ms_2000_join',
      'catalog_first_list_ms',
      'catalog_rss_growth_mb',
      'loop_heap_ratio_10000_visits',
      'healthz_median_ms_500_runs',
      'server_loop_max_ms_500_runs',
      'server_bare_healthz_median_ms_500_runs',
      'server_bare_loop_max_ms_500_runs',
      'startup_dry_run_ratio',
      'overhead_ms_per_node_p50',
      'heap_kb_per_run',
    ]) {
      expect(report).toHaveProperty(key);
    }
    // The corpus section measures the first workflow list.
    expect(report.catalog_first_list_ms).toEqual(expect.any(Number));
    expect(report.catalog_rss_growth_mb).toEqual(expect.any(Number));
    expect(report.mode).toBe('quick');
    expect(report.corpus).toBeDefined();
    expect(report.errors).toEqual({});
  });

  it('an unknown section exits 2 and lists the sections', async () => {
    const failure = await bench('--only', 'warp').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(
      'no section warp (sections: startup, seed, compile, corpus, paths, sse, cluster, server, loop)',
    );
  });
});
