// A cli node's retry policy applies to a failed command (non-zero exit), unless the node names the errors it retries.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'sopstate-cli-retry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fails until it has been run `times` times; counts its runs in a file. */
const flakyCommand = (name: string, times: number) => {
  const file = join(dir, name);
  return {
    file,
    command: `n=$(cat ${file} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${file}; [ $n -ge ${times} ]`,
  };
};

const workflowWith = (command: string, retry: string) => {
  const { workflow, diagnostics } = loadWorkflowText(
    `osop_version: "1.0"
id: flaky-build
name: Flaky build
nodes:
  - id: build
    type: cli
    runtime:
      command: '${command}'
${retry}
`,
    'flaky.osop.yaml',
  );
  if (!workflow) throw new Error(JSON.stringify(diagnostics));
  return workflow;
};

const run = (command: string, retry: string) =>
  startRun({
    workflow: workflowWith(command, retry),
    executors: createLocalExecutors({ allowCli: true }),
    random: () => 0,
  }).done;

describe('retry_policy on a cli node', () => {
  it('runs a command that exits non-zero again, until it succeeds', async () => {
    const flaky = flakyCommand('twice', 3);
    const result = await run(flaky.command, '    retry_policy: { max_retries: 3, strategy: fixed, backoff_sec: 0.01 }');
    expect(result.status).toBe('COMPLETED');
    expect(readFileSync(flaky.file, 'utf8').trim()).toBe('3');
    expect(result.events.filter((event) => event.type === 'node.retrying')).toHaveLength(2);
  });

  it('gives up after its attempts with the exit code, and retries nothing when the node lists other errors', async () => {
    const never = flakyCommand('never', 99);
    const failed = await run(
      never.command,
      '    retry: { max_attempts: 2, backoff: { type: fixed, initial_delay: 0.01 } }',
    );
    expect(failed.status).toBe('FAILED');
    expect(readFileSync(never.file, 'utf8').trim()).toBe('2');
    const picky = flakyCommand('picky', 2);
    const once = await run(picky.command, '    retry: { max_attempts: 3, retryable_errors: [timeout] }');
    expect(once.status).toBe('FAILED');
    expect(readFileSync(picky.file, 'utf8').trim()).toBe('1');
  });
});
