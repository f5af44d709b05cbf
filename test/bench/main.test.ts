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
    for (const key of [
      'throughput_ratio',
      'overhead_ms_per_node_p50',
      'heap_kb_per_run',
      'compile_ms_1000_nodes',
      'sse_p99_ms_100_subscribers',
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report.mode).toBe('quick');
    expect(report.corpus).toBeDefined();
    expect(report.errors).toEqual({});
  });

  it('an unknown section exits 2 and lists the sections', async () => {
    const failure = await bench('--only', 'warp').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(
      'no section warp (sections: startup, seed, compile, corpus, paths, sse, cluster, server)',
    );
  });
});
