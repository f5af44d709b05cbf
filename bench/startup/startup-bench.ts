// Section 0: start-up CPU of the built CLI (dist/cli/main.js) as a multiple of bare `node -e ''`, measured interleaved.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, SEED_FILE } from '../lib/repo.ts';
import { percentile } from '../lib/stats.ts';

export interface StartupPlan {
  /** Runs of each command; each figure is the median. */
  repeats: number;
}

interface StartupCase {
  name: 'help' | 'validate' | 'dryRun';
  command: string;
  cpuSeconds: number;
  /** cpuSeconds ÷ bare Node's cpuSeconds in the same run. */
  ratio: number;
}

export interface StartupReport {
  cli: string;
  repeats: number;
  bareCpuSeconds: number;
  cases: StartupCase[];
}

const CLI = resolve(REPO_ROOT, 'dist/cli/main.js');
const PRELOAD = resolve(REPO_ROOT, 'bench/startup/cpu-at-exit.cjs');

const COMMANDS: Array<{ name: StartupCase['name'] | 'bare'; args: string[] }> = [
  { name: 'bare', args: ['-e', ''] },
  { name: 'help', args: [CLI, '--help'] },
  { name: 'validate', args: [CLI, 'validate', SEED_FILE] },
  { name: 'dryRun', args: [CLI, 'run', SEED_FILE, '--dry-run', '--auto-approve', '--log-dir'] },
];

/** CPU seconds (user + system) one process spent, as it reported itself at exit. */
function cpuOf(args: string[], scratch: string): number {
  const file = join(scratch, 'cpu');
  rmSync(file, { force: true });
  const logArgs = args.at(-1) === '--log-dir' ? [join(scratch, 'logs')] : [];
  const result = spawnSync(process.execPath, ['--require', PRELOAD, ...args, ...logArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, SOPSTATE_CPU_FILE: file, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n')[0]}`);
  return Number(readFileSync(file, 'utf8'));
}

const display = (args: string[]): string =>
  args[0] === '-e'
    ? "node -e ''"
    : `sopstate ${args
        .slice(1)
        .map((arg) => arg.replace(`${REPO_ROOT}/`, ''))
        .join(' ')}`;

export async function benchStartup(plan: StartupPlan, progress: (line: string) => void): Promise<StartupReport> {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first (npm run bench does)');
  const scratch = mkdtempSync(join(tmpdir(), 'sopstate-startup-'));
  const samples = new Map<string, number[]>(COMMANDS.map(({ name }) => [name, []]));
  try {
    progress(`start-up: ${plan.repeats} × ${COMMANDS.length} processes`);
    cpuOf(COMMANDS[0].args, scratch); // warms the file cache
    // Interleaved, so a burst of load on the machine touches every command alike.
    for (let round = 0; round < plan.repeats; round++) {
      for (const { name, args } of COMMANDS) samples.get(name)!.push(cpuOf(args, scratch));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const median = (name: string) => percentile(samples.get(name)!, 50);
  const bare = median('bare');
  const cases = COMMANDS.filter(({ name }) => name !== 'bare').map(({ name, args }) => ({
    name: name as StartupCase['name'],
    command: display(args).replace(' --log-dir', ''),
    cpuSeconds: median(name),
    ratio: median(name) / bare,
  }));
  return { cli: 'dist/cli/main.js', repeats: plan.repeats, bareCpuSeconds: bare, cases };
}
