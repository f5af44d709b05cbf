// `npx tsx bench/server/profile-serve.ts OUT_DIR [runs] [clients] [serve flags...]`: a CPU profile (.cpuprofile) of `sopstate serve`
// (from src/ through tsx, so frames name their files) running seed runs started over HTTP and followed over SSE, then a summary of where its CPU went, grouped
// by package and by src/ folder. Not part of the bench's table: it backs bench/FINDINGS.md.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startSandboxProcess } from '../seed/sandbox-process.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { serveEnv } from '../lib/serve-process.ts';
import { runByClients } from './server-bench.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Who a frame belongs to: a package under node_modules, a src/ folder, node itself, or the VM. */
const ownerOf = (url: string, name: string): string => {
  if (!url) return name.startsWith('(') ? name : '(native: JSON, RegExp, builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/dist\/([^/]+)\//.exec(url) ?? /\/src\/([^/]+)\//.exec(url);
  if (ours) return `src/${ours[1]}`;
  if (url.startsWith('node:')) return 'node:*';
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
};

export const summarizeProfile = (profile: Profile, runs: number): Array<[string, number]> => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    selfUs.set(owner, (selfUs.get(owner) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return [...selfUs.entries()]
    .filter(([owner]) => owner !== '(idle)')
    .map(([owner, us]): [string, number] => [owner, us / 1000 / runs])
    .sort((a, b) => b[1] - a[1]);
};

const out = resolve(process.argv[2] ?? join(tmpdir(), 'sopstate-serve-profile'));
const runs = Number(process.argv[3] ?? 200);
const clients = Number(process.argv[4] ?? 10);
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'sopstate-profile-'));
const sandbox = await startSandboxProcess();
const child = spawn(
  process.execPath,
  [
    `--cpu-prof`,
    `--cpu-prof-dir=${out}`,
    // SOPSTATE_PROFILE_DIST=1: the built dist/ (what the bench runs), without tsx's loader in the profile.
    ...(process.env.SOPSTATE_PROFILE_DIST ? ['dist/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts']),
    'serve',
    '--workflows',
    'examples',
    '--db',
    join(scratch, 'p.db'),
    '--port',
    '0',
    ...process.argv.slice(5),
  ],
  {
    cwd: REPO_ROOT,
    env: serveEnv(sandbox),
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise<string>((found) =>
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const match = /at (http:\/\/\S+)/.exec(line);
    if (match) found(match[1]);
  }),
);
await runByClients(url, clients, runs);
child.kill('SIGTERM');
await new Promise((done) => child.once('exit', done));
await sandbox.stop();
rmSync(scratch, { recursive: true, force: true });
// The main thread's profile is the biggest (tsx's loader thread writes one too).
const file = readdirSync(out)
  .filter((name) => name.endsWith('.cpuprofile'))
  .map((name) => ({ name, size: statSync(join(out, name)).size }))
  .sort((a, b) => b.size - a.size)[0].name;
const rows = summarizeProfile(JSON.parse(readFileSync(join(out, file), 'utf8')) as Profile, runs);
const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
process.stdout.write(`${file}: ${total.toFixed(1)} ms of CPU per run (self time, idle left out)\n`);
for (const [owner, ms] of rows.slice(0, 25)) process.stdout.write(`  ${ms.toFixed(2).padStart(7)} ms  ${owner}\n`);
