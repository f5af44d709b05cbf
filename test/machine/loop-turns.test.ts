// A run whose nodes end at once (a dry run, local work, nodes that fail at once) moves on through promise callbacks
// alone; it must still give the event loop turns, or a server running it answers nothing else (not even a signal)
// until it ends.
import { describe, expect, it } from 'vitest';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import type { RunOptions } from '../../src/machine/run-options.ts';
import { startRun } from '../../src/machine/runner.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { turnsDuring } from '../support/event-loop.ts';
import { fail, scripted, workflowOf } from './helpers.ts';

const api = (id: string) => ({ id, type: 'api', runtime: { method: 'GET', url: 'http://127.0.0.1/x' } });

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index + 1}`);

/** The run's status and how many of its nodes completed and failed, and the turns the event loop took meanwhile. */
async function runCountingTurns(workflow: Workflow, options: Partial<RunOptions> = {}) {
  const ended = { completed: 0, failed: 0 };
  let status = '';
  const turns = await turnsDuring(async () => {
    const result = await startRun({
      workflow,
      dryRun: true,
      executors: createLocalExecutors({ dryRun: true }),
      keepEvents: 0,
      onEvent: (event) => {
        if (event.type === 'node.completed') ended.completed += 1;
        if (event.type === 'node.failed') ended.failed += 1;
      },
      ...options,
    }).done;
    status = result.status;
  });
  return { status, ...ended, turns };
}

describe('a run whose nodes end at once', () => {
  it('gives the event loop turns along a long chain', async () => {
    const chain = ids('n', 600);
    const run = await runCountingTurns(
      workflowOf(
        'chain',
        chain.map(api),
        chain.slice(1).map((to, index) => ({ from: chain[index], to })),
      ),
    );
    expect(run).toMatchObject({ status: 'COMPLETED', completed: 600 });
    // Turns come after stretches of promise callbacks, not after every node: most nodes go on at once.
    expect(run.turns).toBeGreaterThan(0);
    expect(run.turns).toBeLessThan(600);
  });

  it('gives the event loop turns while the branches of a wide fork end', async () => {
    const branches = ids('b', 120);
    const run = await runCountingTurns(
      workflowOf(
        'fork',
        [api('root'), ...branches.map(api), api('join')],
        branches.flatMap((branch) => [
          { from: 'root', to: branch, mode: 'parallel' },
          { from: branch, to: 'join' },
        ]),
      ),
    );
    expect(run).toMatchObject({ status: 'COMPLETED', completed: 122 });
    expect(run.turns).toBeGreaterThan(0);
  });

  it('gives the event loop turns while nodes fail at once along their error edges', async () => {
    const chain = ids('n', 600);
    // Every node fails, the last one ending the run: no node's end is a success.
    const failing = Object.fromEntries(chain.map((id) => [id, () => fail(`${id} failed`)]));
    const run = await runCountingTurns(
      workflowOf(
        'failing-chain',
        chain.map(api),
        chain.slice(1).map((to, index) => ({ from: chain[index], to, mode: 'error' })),
      ),
      { dryRun: false, executors: scripted(failing) },
    );
    expect(run).toMatchObject({ status: 'FAILED', completed: 0, failed: 600 });
    expect(run.turns).toBeGreaterThan(0);
  });
});
