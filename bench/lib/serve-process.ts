// `sopstate serve` in a child process of its own, as the server and cluster benches measure it: started, its URL
// read from its first line, its CPU read from /proc, stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import type { LoopDelay } from './loop-delay.mjs';
import { REPO_ROOT } from './repo.ts';

export { cpuMsOf, mainThreadCpuMsOf } from './proc-cpu.mjs';

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

export interface ServeProcessExtras {
  /** More modules to preload after heap-probe.mjs (`node --import`), e.g. bench/lib/turn-gaps.mjs. */
  preloads?: string[];
  /** Every line the server prints, for what a preload reports. */
  onLine?: (line: string) => void;
}

/**
 * Runs `cli serve <args>` (the source through tsx when `cli` is not built) against the sandbox's Stripe and Claude,
 * resolving once it prints where it listens; `label` names it when it exits before that.
 */
export const startServeProcess = (
  cli: string,
  args: string[],
  sandbox: SandboxUrls,
  label = 'serve',
  extras: ServeProcessExtras = {},
): Promise<ServeProcess> =>
  new Promise((resolveServe, reject) => {
    const entry = existsSync(cli) ? [cli] : ['--import', 'tsx', 'src/cli/main.ts'];
    const preloads = [HEAP_PROBE, ...(extras.preloads ?? [])];
    const probe = ['--expose-gc', ...preloads.flatMap((file) => ['--import', pathToFileURL(file).href])];
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
      extras.onLine?.(line);
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
