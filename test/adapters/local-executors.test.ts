import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliExecutor } from '../../src/adapters/cli.ts';
import { NodeError, type Executor, type NodeExecution } from '../../src/adapters/executor.ts';
import { createHumanExecutor, HumanGate } from '../../src/adapters/human.ts';
import { ANY_TYPE, createLocalExecutors } from '../../src/adapters/local.ts';
import { withTimeout } from '../../src/adapters/timeout.ts';
import type { RunEventBody } from '../../src/events/run-event.ts';
import type { WorkflowNode } from '../../src/osop/workflow.ts';

const node = (id: string, type: string, extra: Partial<WorkflowNode> = {}) =>
  ({
    id,
    type,
    name: id,
    runtime: {},
    outputs: [],
    maxIterations: 3,
    position: { file: 'ops.osop.yaml', line: 4, col: 5 },
    ...extra,
  }) as WorkflowNode;

function execution(
  target: WorkflowNode,
  runtime: Record<string, unknown> = {},
  signal = new AbortController().signal,
  emitted: RunEventBody[] = [],
): NodeExecution {
  return {
    node: target,
    runtime,
    runId: 'run-7',
    visit: 1,
    attempt: 1,
    idempotencyKey: `run-7:${target.id}:1`,
    context: { inputs: {}, outputs: {} },
    signal,
    emit: (event) => emitted.push(event),
  };
}

describe('cli executor', () => {
  it('returns stdout, stderr and exit_code of a command that succeeds', async () => {
    const result = await cliExecutor(
      execution(node('hello', 'cli'), { command: 'echo "hi $WHO"; echo warn >&2', shell: true, env: { WHO: 'there' } }),
    );
    expect(result.outputs).toEqual({ stdout: 'hi there', stderr: 'warn', exit_code: 0 });
  });

  it('announces the command it runs: argv as spawned, cwd and the declared env (not the inherited one)', async () => {
    const emitted: RunEventBody[] = [];
    await cliExecutor(
      execution(
        node('greet', 'cli'),
        { command: 'echo "hi there" now', cwd: '/tmp', env: { WHO: 'there' } },
        undefined,
        emitted,
      ),
    );
    expect(emitted).toEqual([
      {
        type: 'node.command',
        node: 'greet',
        attempt: 1,
        argv: ['echo', 'hi there', 'now'],
        cwd: '/tmp',
        env: { WHO: 'there' },
      },
    ]);
  });

  it('fails with the exit code and the end of stderr when the command exits non-zero', async () => {
    const failure = cliExecutor(
      execution(node('build', 'cli'), { command: 'echo "missing module x" >&2; exit 4', shell: true }),
    );
    await expect(failure).rejects.toBeInstanceOf(NodeError);
    await expect(failure).rejects.toMatchObject({
      code: 'exit_4',
      retryable: true,
      indeterminate: false,
      message: 'build: command exited with code 4: missing module x',
    });
  });

  it("gives the command PATH, HOME, LANG and its runtime.env, never sopstate's keys or token", async () => {
    const keys = {
      SOPSTATE_TOKEN: 'tok_abcdef',
      STRIPE_SECRET_KEY: 'sk_test_abcdef',
      ANTHROPIC_API_KEY: 'sk-ant-abcdef',
      HOME: '/home/x',
      LANG: 'C.UTF-8',
    };
    for (const [name, value] of Object.entries(keys)) vi.stubEnv(name, value);
    try {
      const result = await cliExecutor(execution(node('env', 'cli'), { command: 'env', env: { DECLARED: 'yes' } }));
      const names = String(result.outputs.stdout)
        .split('\n')
        .map((line) => line.split('=')[0])
        .sort();
      expect(names).toEqual(['DECLARED', 'HOME', 'LANG', 'PATH']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses shell syntax in a command without runtime.shell, saying how to allow it', async () => {
    const piped = cliExecutor(execution(node('pipe', 'cli'), { command: 'echo a | cat' }));
    await expect(piped).rejects.toThrow(
      'cli node pipe (ops.osop.yaml:4): command uses "|", which needs a shell: set runtime.shell: true',
    );
  });

  it('says where a node without a command is', async () => {
    await expect(cliExecutor(execution(node('empty', 'cli')))).rejects.toThrow(
      'cli node empty (ops.osop.yaml:4) has no command: add runtime.command',
    );
  });

  it('stops the command when the node times out', async () => {
    const slow = withTimeout(cliExecutor, 100);
    await expect(slow(execution(node('sleepy', 'cli'), { command: 'sleep 5' }))).rejects.toMatchObject({
      kind: 'timeout',
      code: 'timeout',
      message: 'sleepy timed out after 100ms',
    });
  });

  it('is refused unless allowed', async () => {
    const refused = createLocalExecutors({}).cli(execution(node('deploy', 'cli'), { command: 'echo no' }));
    await expect(refused).rejects.toMatchObject({ code: 'cli_not_allowed' });
    await expect(refused).rejects.toThrow('pass --allow-cli');
    await expect(
      createLocalExecutors({ allowCli: true }).cli(execution(node('deploy', 'cli'), { command: 'echo yes' })),
    ).resolves.toMatchObject({ outputs: { stdout: 'yes' } });
  });
});

describe('dry-run executors', () => {
  it('complete any node type with its x-sample outputs, else empty ones', async () => {
    const registry = createLocalExecutors({ dryRun: true });
    const dry = registry[ANY_TYPE] as Executor;
    await expect(dry(execution(node('charge', 'api', { sample: { id: 'ch_1', paid: true } })))).resolves.toEqual({
      outputs: { id: 'ch_1', paid: true },
    });
    await expect(dry(execution(node('notify', 'mcp')))).resolves.toEqual({ outputs: {} });
    expect(registry.cli).toBeUndefined();
  });
});

describe('human executor', () => {
  afterEach(() => vi.useRealTimers());

  it('announces that it waits and completes with the approval', async () => {
    const gate = new HumanGate();
    const emitted: RunEventBody[] = [];
    const review = createHumanExecutor(gate)(
      execution(node('review', 'human', { description: 'Check the refund' }), {}, undefined, emitted),
    );
    expect(emitted).toEqual([{ type: 'human.waiting', node: 'review', prompt: 'Check the refund' }]);
    expect(gate.waiting('run-7')).toEqual(['review']);
    expect(gate.waiting('other-run')).toEqual([]);
    expect(gate.signal('run-7', 'review', { decision: 'approved', comment: 'ok', data: { amount: 20 } })).toBe(true);
    await expect(review).resolves.toEqual({
      outputs: { amount: 20, decision: 'approved', approved: true, comment: 'ok' },
    });
    expect(gate.waiting('run-7')).toEqual([]);
  });

  it("shows the approver the prompt and the rest of the node's resolved runtime", async () => {
    const gate = new HumanGate();
    const emitted: RunEventBody[] = [];
    const review = createHumanExecutor(gate)(
      execution(
        node('review', 'human'),
        { prompt: 'Refund 25.00 USD?', amount: 2500, links: ['https://dashboard.example/pi_1'] },
        undefined,
        emitted,
      ),
    );
    expect(emitted).toEqual([
      {
        type: 'human.waiting',
        node: 'review',
        prompt: 'Refund 25.00 USD?',
        details: { amount: 2500, links: ['https://dashboard.example/pi_1'] },
      },
    ]);
    gate.signal('run-7', 'review', { decision: 'approved' });
    await review;
  });

  it('fails with code rejected when rejected', async () => {
    const gate = new HumanGate();
    const review = createHumanExecutor(gate)(execution(node('review', 'human')));
    gate.signal('run-7', 'review', { decision: 'rejected', comment: 'amount too high' });
    await expect(review).rejects.toMatchObject({ code: 'rejected', message: 'review was rejected: amount too high' });
  });

  it('stops waiting when the run stops', async () => {
    const gate = new HumanGate();
    const controller = new AbortController();
    const review = createHumanExecutor(gate)(execution(node('review', 'human'), {}, controller.signal));
    controller.abort(new Error('run cancelled'));
    await expect(review).rejects.toThrow('run cancelled');
    expect(gate.waiting('run-7')).toEqual([]);
    expect(gate.signal('run-7', 'review', { decision: 'approved' })).toBe(false);
  });
});
