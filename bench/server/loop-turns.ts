// `npx tsx bench/server/loop-turns.ts [SERVER_JS] [streamRuns] [burstRuns]`: where a built `sopstate serve`'s event
// loop is held long. SERVER_JS (default dist/cli/main.js; another build's cli/main.js to compare) runs against the
// emulators as the server bench runs it (bench/lib/serve-process.ts), with bench/lib/turn-gaps.mjs preloaded too.
// First `streamRuns` seed runs (default 3,000) by 100 clients, each starting its next run when the last one ended,
// then `burstRuns` (default 500) started at once; every run is followed over SSE, as the server bench does. For each
// phase it prints the turns that held the loop over 30 and 50 ms, the longest, the share of the long turns' wall time
// the main thread and the whole process spent on CPU, and when in the phase the long turns fell. Not part of the
// bench's table: it backs bench/FINDINGS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../lib/repo.ts';
import { startServeProcess } from '../lib/serve-process.ts';
import { startSandboxProcess } from '../seed/sandbox-process.ts';
import { runAndFollow, runByClients } from './server-bench.ts';

const STREAM_CLIENTS = 100;
const LONG_MS = 50;

/** [when (ms since its phase began), how long past its time the timer ran, process CPU, main-thread CPU], in ms. */
type Gap = [number, number, number, number];

interface GapReading {
  /** The server's performance.now() when it answered. */
  now: number;
  /** Their `at` on the server's performance.now(). */
  gaps: Gap[];
}

const [serverJs = 'dist/cli/main.js', streamArg = '3000', burstArg = '500'] = process.argv.slice(2);
const streamRuns = Number(streamArg);
const burstRuns = Number(burstArg);

const sandbox = await startSandboxProcess();
const scratch = mkdtempSync(join(tmpdir(), 'sopstate-loop-turns-'));
const gapReadings: Array<(reading: GapReading) => void> = [];
const serve = await startServeProcess(
  resolve(REPO_ROOT, serverJs),
  ['--workflows', 'examples', '--db', join(scratch, 'runs.db'), '--port', '0'],
  sandbox,
  'loop-turns',
  {
    preloads: [resolve(REPO_ROOT, 'bench/lib/turn-gaps.mjs')],
    onLine: (line) => {
      if (line.startsWith('loop-turn-gaps ')) gapReadings.shift()?.(JSON.parse(line.slice(15)) as GapReading);
    },
  },
);
const { url } = serve;

/**
 * The turns noted since the last reading (asked a tick after the phase ended, so its last turn is in), with `at` made
 * ms since the phase began: the server's clock at the reading, less the time since the phase began on ours.
 */
const readGaps = async (phaseStartedAt: number): Promise<Gap[]> => {
  await new Promise((settle) => setTimeout(settle, 20));
  const asked = performance.now();
  const reading = new Promise<GapReading>((read) => gapReadings.push(read));
  serve.process.kill('SIGHUP');
  const { now, gaps } = await reading;
  const phaseStartOnServer = now - (asked - phaseStartedAt);
  return gaps.map(([at, gap, processCpu, mainCpu]) => [at - phaseStartOnServer, gap, processCpu, mainCpu]);
};

const report = (phase: string, gaps: Gap[], elapsedMs: number): void => {
  const long = gaps.filter(([, gap]) => gap > LONG_MS);
  // The timer's interval is its 5 ms tick plus the gap; the CPU readings cover the whole interval.
  const wall = long.reduce((sum, [, gap]) => sum + gap + 5, 0);
  const share = (index: 2 | 3) =>
    wall ? `${Math.round((long.reduce((sum, gap) => sum + gap[index], 0) / wall) * 100)} %` : '-';
  const when = long.length ? `${Math.round(long[0][0])}–${Math.round(long.at(-1)![0])} ms into it` : '-';
  process.stdout.write(
    `${phase} (${Math.round(elapsedMs)} ms): ${gaps.length} turns over 30 ms, ${long.length} over ${LONG_MS} ms, ` +
      `the longest ${Math.max(0, ...gaps.map(([, gap]) => gap))} ms; over those over ${LONG_MS} ms the main thread ` +
      `ran ${share(3)} of the time, the process ${share(2)}; they fell ${when}\n`,
  );
};

await readGaps(performance.now());
let phaseStarted = performance.now();
await runByClients(url, STREAM_CLIENTS, streamRuns);
let phaseMs = performance.now() - phaseStarted;
report(`stream of ${streamRuns} by ${STREAM_CLIENTS} clients`, await readGaps(phaseStarted), phaseMs);
phaseStarted = performance.now();
await Promise.all(Array.from({ length: burstRuns }, () => runAndFollow(url)));
phaseMs = performance.now() - phaseStarted;
report(`burst of ${burstRuns}`, await readGaps(phaseStarted), phaseMs);

await serve.stop();
await sandbox.stop();
rmSync(scratch, { recursive: true, force: true });
