// `node --cpu-prof --cpu-prof-dir=OUT --import tsx bench/seed/profile-engine.ts [runs] [concurrency] [side]`: seed
// runs of one side (sopstate, xstate or baseline) against the emulators in their own process, for a CPU profile of
// the engine alone. Group the profile's self time by package to split XState's cost from sopstate's.
import { createBaseline } from './baseline.ts';
import { createEngine, loadSeed } from './engine.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import { runBatch } from './throughput.ts';
import { createXStateBaseline } from './xstate-baseline.ts';
import { SEED_FILE } from '../lib/repo.ts';

const [runs = 500, concurrency = 20] = process.argv.slice(2, 4).map(Number);
const side = process.argv[4] ?? 'sopstate';
const sandbox = await startSandboxProcess();
try {
  const workflow = await loadSeed(SEED_FILE);
  const run =
    side === 'xstate'
      ? createXStateBaseline(sandbox)
      : side === 'baseline'
        ? createBaseline(sandbox)
        : createEngine(workflow, sandbox);
  await runBatch(run, 50, concurrency);
  const batch = await runBatch(run, runs, concurrency);
  process.stdout.write(
    `${side}: ${runs} runs, ${(batch.cpuMs / runs).toFixed(2)} ms CPU per run, ${batch.failures} failed` +
      `${batch.firstFailure ? ` (the first: ${batch.firstFailure})` : ''}\n`,
  );
} finally {
  await sandbox.stop();
}
