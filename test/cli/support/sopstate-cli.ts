// The CLI from the sources in a process of its own, as a user runs it: exit code and both outputs.
import { spawnSync } from 'node:child_process';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `sopstate <args>` (`src/cli/main.ts` through tsx), with `input` on stdin; gives up after `timeoutMs`. */
export function sopstate(args: string[], options: { input?: string; timeoutMs?: number } = {}): CliResult {
  const result = spawnSync('node', ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    input: options.input,
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
