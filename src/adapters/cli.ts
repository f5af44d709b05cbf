// The `cli` node: runs `runtime.command` without a shell (or in the one `runtime.shell` names), with a minimal
// environment; outputs stdout, stderr, exit_code (and declared fields of a JSON stdout); a non-zero exit is a failure
// that keeps those outputs.
import { spawn } from 'node:child_process';
import { parseCommand, shellOf, type CommandParse } from '../osop/command-line.ts';
import { OutputError } from '../osop/outputs.ts';
import type { WorkflowNode } from '../osop/workflow.ts';
import { NodeError, type Executor } from './executor.ts';
import { declaredJsonOutputs, parseJsonObject } from './json-outputs.ts';

/** The only variables a command inherits; anything else it needs is declared in runtime.env. */
const INHERITED = ['PATH', 'HOME', 'LANG'];

const MAX_CAPTURE = 1024 * 1024;

const located = (node: { id: string; position: { file: string; line: number } }) =>
  `${node.id} (${node.position.file}:${node.position.line})`;

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
  value && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]))
    : {};

const asArgument = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** The loader turned every OSOP `${...}` of a command into a list (see command-line.ts): any left in text is the shell's. */
const SHELL_TEXT = { leaveToShell: () => true };

/**
 * The program and its arguments. The loader already split `runtime.command` (see command-line.ts); a string here
 * is a command given to the executor directly, split by the same rules.
 */
function argvOf(command: unknown, shell: string | false): string[] | string {
  const words: CommandParse | undefined =
    typeof command === 'string' ? parseCommand(command, shell, SHELL_TEXT) : undefined;
  if (words?.problem) return `${words.problem.message}: ${words.problem.suggestion}`;
  const list =
    words?.template?.kind === 'list'
      ? words.template.items.map((item) => (item.kind === 'value' ? item.value : ''))
      : command;
  if (!Array.isArray(list) || list.length === 0 || asArgument(list[0]).trim() === '') return 'add runtime.command';
  const argv = list.map(asArgument);
  return shell ? [shell, '-c', argv[0], 'sopstate', ...argv.slice(1)] : argv;
}

function environment(declared: Record<string, string>): Record<string, string> {
  const inherited = INHERITED.filter((name) => process.env[name] !== undefined).map((name) => [
    name,
    process.env[name]!,
  ]);
  return { ...Object.fromEntries(inherited), ...declared };
}

/**
 * stdout, stderr, exit_code, and, when the node declares outputs and stdout is a JSON object, the declared fields of
 * it (`validation_result` from `{"validation_result": {...}}`; a mapping reads the object as `data`). After a non-zero
 * exit a mapping that does not match is left out instead of failing the node a second way.
 */
function commandOutputs(
  node: WorkflowNode,
  captured: { stdout: string; stderr: string; exit_code: number },
): Record<string, unknown> {
  const json = node.outputs.length > 0 ? parseJsonObject(captured.stdout) : undefined;
  if (!json) return captured;
  try {
    return { ...declaredJsonOutputs(node.outputs, json, captured.exit_code !== 0), ...captured };
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    throw new NodeError(`cli node ${located(node)}: ${error.message}`, { code: 'output_extraction', cause: error });
  }
}

export const cliExecutor: Executor = ({ node, runtime, signal, attempt, emit }) => {
  const shell = shellOf(runtime.shell);
  const argv = argvOf(runtime.command, shell ?? false);
  if (shell === undefined || typeof argv === 'string') {
    const why = shell === undefined ? 'runtime.shell must be true, false or the path of a shell' : argv;
    const message =
      argv === 'add runtime.command'
        ? `cli node ${located(node)} has no command: ${why}`
        : `cli node ${located(node)}: ${why}`;
    return Promise.reject(new NodeError(message, { code: 'invalid_runtime' }));
  }
  const declared = stringMap(runtime.env);
  const cwd = typeof runtime.cwd === 'string' ? runtime.cwd : undefined;
  // What runs, as the node panel and the CLI show it; the runner masks secrets in it like in any event.
  emit({
    type: 'node.command',
    node: node.id,
    attempt,
    argv,
    ...(cwd ? { cwd } : {}),
    ...(Object.keys(declared).length > 0 ? { env: declared } : {}),
  });
  return new Promise((resolve, reject) => {
    const stdout = capture();
    const stderr = capture();
    const child = spawn(argv[0], argv.slice(1), {
      shell: false,
      cwd,
      env: environment(declared),
      signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', stdout.add);
    child.stderr.on('data', stderr.add);
    child.on('error', (error) => {
      if (signal.aborted) return reject(signal.reason);
      reject(
        new NodeError(`${located(node)}: cannot run command: ${error.message}`, { code: 'spawn_failed', cause: error }),
      );
    });
    child.on('close', (code, killedBy) => {
      if (signal.aborted) return reject(signal.reason);
      const exitCode = code ?? 128;
      let outputs: Record<string, unknown>;
      try {
        outputs = commandOutputs(node, { stdout: stdout.text, stderr: stderr.text, exit_code: exitCode });
      } catch (error) {
        return reject(error);
      }
      if (exitCode === 0) return resolve({ outputs });
      const detail = stderr.text.split('\n').slice(-3).join(' ').trim();
      const reason = killedBy ? `was killed by ${killedBy}` : `exited with code ${exitCode}`;
      // A failed command is a definite failure, and retried like any other when the node has a retry policy.
      const message = `${node.id}: command ${reason}${detail ? `: ${detail}` : ''}`;
      reject(new NodeError(message, { code: `exit_${exitCode}`, retryable: true, outputs }));
    });
  });
};

export const cliRefused: Executor = async ({ node }) => {
  throw new NodeError(`cli node ${located(node)} may run shell commands only when allowed: pass --allow-cli`, {
    code: 'cli_not_allowed',
  });
};
