// Child processes running TypeScript through tsx: the sandbox emulators, the SSE clients.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './repo.ts';

export interface TsChild {
  process: ChildProcess;
  /** Each stdout line, parsed as JSON, in order. */
  lines: AsyncIterator<unknown>;
  /** Waits up to `graceMs` for the child to exit by itself, then sends SIGTERM. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node --import tsx <file> ...args` in the repo root; stderr is kept quiet unless it fails. */
export function spawnTs(file: string, args: string[] = [], nodeFlags: string[] = []): TsChild {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const reader = createInterface({ input: child.stdout! });
  const iterator = reader[Symbol.asyncIterator]();
  const lines: AsyncIterator<unknown> = {
    next: async () => {
      const line = await iterator.next();
      if (line.done)
        throw new Error(
          `${file} exited (code ${child.exitCode ?? 'signal'}) before answering${stderr ? `:\n${stderr}` : ''}`,
        );
      return { done: false, value: JSON.parse(line.value) as unknown };
    },
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 0) => {
    if (graceMs > 0) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  process.once('exit', () => child.kill('SIGKILL'));
  return { process: child, lines, stop };
}
