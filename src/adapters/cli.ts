// The `cli` node: runs `runtime.command` in a shell; outputs stdout, stderr, exit_code; a non-zero exit is a failure.
import { spawn } from 'node:child_process';
import { NodeError, type Executor } from './executor.ts';

const MAX_CAPTURE = 1024 * 1024;

const located = (node: { id: string; position: { file: string; line: number } }) => `${node.id} (${node.position.file}:${node.position.line})`;

function capture(limit = MAX_CAPTURE) {
  let text = '';
  return {
    add: (chunk: Buffer) => {
      text = (text + chunk.toString('utf8')).slice(-limit);
    },
    get text() {
      return text.replace(/\r?\n$/, '');
    },
  };
}

const stringMap = (value: unknown): Record<string, string> =>
  value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)])) : {};

export const cliExecutor: Executor = ({ node, runtime, signal }) => {
  const command = runtime.command;
  if (typeof command !== 'string' || command.trim() === '') {
    return Promise.reject(new NodeError(`cli node ${located(node)} has no command: add runtime.command`, { code: 'invalid_runtime' }));
  }
  const shell = typeof runtime.shell === 'string' ? runtime.shell : runtime.shell === false ? false : true;
  return new Promise((resolve, reject) => {
    const stdout = capture();
    const stderr = capture();
    const child = spawn(command, {
      shell,
      cwd: typeof runtime.cwd === 'string' ? runtime.cwd : undefined,
      env: { ...process.env, ...stringMap(runtime.env) },
      signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', stdout.add);
    child.stderr.on('data', stderr.add);
    child.on('error', (error) => {
      if (signal.aborted) return reject(signal.reason);
      reject(new NodeError(`${located(node)}: cannot run command: ${error.message}`, { code: 'spawn_failed', cause: error }));
    });
    child.on('close', (code, killedBy) => {
      if (signal.aborted) return reject(signal.reason);
      const exitCode = code ?? 128;
      const outputs = { stdout: stdout.text, stderr: stderr.text, exit_code: exitCode };
      if (exitCode === 0) return resolve({ outputs });
      const detail = stderr.text.split('\n').slice(-3).join(' ').trim();
      const reason = killedBy ? `was killed by ${killedBy}` : `exited with code ${exitCode}`;
      // A failed command is a definite failure, and retried like any other when the node has a retry policy.
      const message = `${node.id}: command ${reason}${detail ? `: ${detail}` : ''}`;
      reject(new NodeError(message, { code: `exit_${exitCode}`, retryable: true }));
    });
  });
};

export const cliRefused: Executor = async ({ node }) => {
  throw new NodeError(`cli node ${located(node)} may run shell commands only when allowed: pass --allow-cli`, { code: 'cli_not_allowed' });
};
