// `sopstate serve` in a child process of its own, as the server and cluster benches measure it: started, its URL
// read from its first line, its CPU read from /proc, stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import type { LoopDelay } from './loop-delay.mjs';
import { REPO_ROOT } from './repo.ts';

const TICKS_PER_SECOND = 100;

/** user + system CPU of a /proc stat file so far, in ms. */
const cpuMsIn = (statFile: string): number => {
  const text = readFileSync(statFile, 'utf8');
  // After "pid (comm) " (comm may hold ") "): state is field 0, utime 11, stime 12.
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
};

/** user + system CPU of a process so far, all its threads, in ms (Linux /proc). */
export const cpuMsOf = (pid: number): number => cpuMsIn(`/proc/${pid}/stat`);

/**
 * The same for its main thread alone: what runs JavaScript. The rest is V8's helper threads (concurrent GC marking,
 * TurboFan compiling hot functions) and libuv's pool (file system calls).
 */
export const mainThreadCpuMsOf = (pid: number): number => cpuMsIn(`/proc/${pid}/task/${pid}/stat`);

export interface ServeProcess {
  process: ChildProcess;
  url: string;
  /** The server's heap in use right after two full collections, in MB (bench/lib/heap-probe.mjs). */
  heapUsedMb(): Promise<number>;
  /** The longest and the p99 event-loop delay since the last call (or the start), in ms (heap-probe.mjs). */
  loopDelayMs(): Promise<LoopDelay>;
  stop(): Promise<void>;
}

const HEAP_PROBE = join(REPO_ROOT, 'bench/lib/heap-probe.mjs');

/** The environment a benched `sopstate serve` gets: nothing of this shell's but PATH and HOME, the sandbox's URLs. */
export const serveEnv = (sandbox: SandboxUrls): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  STRIPE_API_BASE: sandbox.stripeUrl,
  ANTHROPIC_BASE_URL: sandbox.anthropicUrl,
});

/**
 * Runs `cli serve <args>` (the source through tsx when `cli` is not built) against the sandbox's Stripe and Claude,
 * resolving once it prints where it listens; `label` names it when it exits before that.
 */
export const startServeProcess = (
  cli: string,
  args: string[],
  sandbox: SandboxUrls,
  label = 'serve',
): Promise<ServeProcess> =>
  new Promise((resolveServe, reject) => {
    const entry = existsSync(cli) ? [cli] : ['--import', 'tsx', 'src/cli/main.ts'];
    const probe = ['--expose-gc', '--import', pathToFileURL(HEAP_PROBE).href];
    const child = spawn(process.execPath, [...probe, ...entry, 'serve', ...args], {
      cwd: REPO_ROOT,
      env: serveEnv(sandbox),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const early = (code: number | null) => reject(new Error(`${label} exited (${code}) before serving:\n${stderr}`));
    child.once('exit', early);
    const heapReadings: Array<(mb: number) => void> = [];
    const loopReadings: Array<(delay: LoopDelay) => void> = [];
    let listening = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const heap = /^bench-heap-used (\d+)$/.exec(line);
      if (heap) heapReadings.shift()?.(Number(heap[1]) / 1024 / 1024);
      const loop = /^bench-loop-delay (\S+) (\S+)$/.exec(line);
      if (loop) loopReadings.shift()?.({ max: Number(loop[1]), p99: Number(loop[2]) });
      const url = /at (http:\/\/\S+)/.exec(line)?.[1];
      if (!url || listening) return;
      listening = true;
      child.off('exit', early);
      resolveServe({
        process: child,
        url,
        heapUsedMb: () =>
          new Promise((read) => {
            heapReadings.push(read);
            child.kill('SIGUSR2');
          }),
        loopDelayMs: () =>
          new Promise((read) => {
            loopReadings.push(read);
            child.kill('SIGWINCH');
          }),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    process.once('exit', () => child.kill('SIGKILL'));
  });
