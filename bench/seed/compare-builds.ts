// `npx tsx bench/seed/compare-builds.ts [--rounds 10] [--runs 1500] [--concurrency 20] <dist>...`: the engines alone
// (engine-alone.ts: the seed's calls answered from memory) for several builds of dist/ in one process, beside the
// hand-written XState machine, round by round. Prints each build's median CPU per run and the median over rounds of
// what it adds over the hand-written machine in the same round: pairing rounds takes out most of a shared machine's
// drift, which is larger than the differences between two builds. Each dist/ must be in a checkout whose node_modules
// it can resolve (e.g. a copy with node_modules linked), under a package.json of `"type": "module"` (loadBuiltPackage
// refuses one without: its files would load as CommonJS, through tsx's transform). Not part of the bench's table: it
// backs bench/FINDINGS.md (the 2026-12-07 seventh and eighth sessions' ablations).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadBuiltPackage } from '../lib/built-package.ts';
import { percentile } from '../lib/stats.ts';
import { SEED_FILE } from '../lib/repo.ts';
import { cpuPerRunByRound, replayingEngine, replayingXState } from './engine-alone.ts';
import { loadSeed } from './engine.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import type { RunOnce } from './throughput.ts';

const { values, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '1500' },
    concurrency: { type: 'string', default: '20' },
  },
  allowPositionals: true,
});
if (positionals.length === 0) throw new Error('name at least one dist/ folder to compare');

const HAND_WRITTEN = 'hand-written XState';
const sandbox = await startSandboxProcess();
try {
  const workflow = await loadSeed(SEED_FILE);
  const sides: Record<string, RunOnce> = { [HAND_WRITTEN]: await replayingXState(sandbox) };
  for (const dist of positionals)
    sides[dist] = await replayingEngine(workflow, sandbox, await loadBuiltPackage(resolve(dist)));
  const cpu = await cpuPerRunByRound(sides, {
    rounds: Number(values.rounds),
    runs: Number(values.runs),
    concurrency: Number(values.concurrency),
  });
  const floor = cpu[HAND_WRITTEN];
  for (const [name, perRun] of Object.entries(cpu)) {
    const adds = perRun.map((ms, round) => ms - floor[round]);
    process.stdout.write(
      `${name}: ${percentile(perRun, 50).toFixed(3)} ms a run, adds ${percentile(adds, 50).toFixed(3)} ms ` +
        `(rounds ${Math.min(...adds).toFixed(3)}–${Math.max(...adds).toFixed(3)})\n`,
    );
  }
} finally {
  await sandbox.stop();
}
