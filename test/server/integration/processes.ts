// Child processes for the crash test: the Stripe/Claude sandbox and `sopstate serve`, each on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../../..');

export interface Child {
  process: ChildProcess;
  /** The first stdout line that matched. */
  line: string;
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Spawns a Node script (in `cwd`, the repository by default) and resolves with the first stdout line matching `ready`. */
export const spawnUntil = (args: string[], env: NodeJS.ProcessEnv, ready: RegExp, cwd = ROOT): Promise<Child> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const onExit = (code: number | null) =>
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${stderr}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!ready.test(line)) return;
      child.off('exit', onExit);
      resolve({
        process: child,
        line,
        stderr: () => stderr,
        kill: async (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });

export const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test' });

export const startSandboxProcess = async (): Promise<{ child: Child; stripeUrl: string; anthropicUrl: string }> => {
  const child = await spawnUntil(['--import', 'tsx', 'src/sandbox/serve-process.ts'], baseEnv(), /^\{.*stripeUrl/);
  const urls = JSON.parse(child.line) as { stripeUrl: string; anthropicUrl: string };
  return { child, ...urls };
};

export const startServeProcess = async (
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: Child; url: string }> => {
  const child = await spawnUntil(['bin/sopstate.js', 'serve', ...args], env, /sopstate serving .* at http/);
  const url = /at (http:\/\/[^\s]+)/.exec(child.line)?.[1] as string;
  return { child, url };
};
