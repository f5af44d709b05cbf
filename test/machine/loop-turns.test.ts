// A run whose nodes answer at once (a dry run) moves on through promise callbacks alone; it must still give the event
// loop turns, or a server running it answers nothing else (not even a signal) until it ends.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';

const api = (id: string) => ({ id, type: 'api', runtime: { method: 'GET', url: 'http://127.0.0.1/x' } });

async function load(id: string, nodes: object[], edges: object[]): Promise<Workflow> {
  const file = join(mkdtempSync(join(tmpdir(), 'sopstate-loop-turns-')), `${id}.osop.json`);
  writeFileSync(file, JSON.stringify({ osop_version: '1.0', id, name: id, nodes, edges }));
  const { workflow, diagnostics } = await loadWorkflowFile(file);
  if (!workflow) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return workflow;
}

/** The run's status, its nodes completed, and how many turns the event loop took meanwhile. */
async function dryRunCountingTurns(workflow: Workflow) {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  let completed = 0;
  const result = await startRun({
    workflow,
    dryRun: true,
    executors: createLocalExecutors({ dryRun: true }),
    keepEvents: 0,
    onEvent: (event) => {
      if (event.type === 'node.completed') completed += 1;
    },
  }).done;
  running = false;
  return { status: result.status, completed, turns };
}

describe('a run whose nodes answer at once', () => {
  it('gives the event loop turns along a long chain', async () => {
    const ids = Array.from({ length: 600 }, (_, index) => `n${index + 1}`);
    const chain = await load(
      'chain',
      ids.map(api),
      ids.slice(1).map((to, index) => ({ from: ids[index], to })),
    );
    const run = await dryRunCountingTurns(chain);
    expect(run).toMatchObject({ status: 'COMPLETED', completed: 600 });
    // Turns come after stretches of promise callbacks, not after every node: most nodes go on at once.
    expect(run.turns).toBeGreaterThan(0);
    expect(run.turns).toBeLessThan(600);
  });

  it('gives the event loop turns while the branches of a wide fork end', async () => {
    const branches = Array.from({ length: 120 }, (_, index) => `b${index + 1}`);
    const fork = await load(
      'fork',
      [api('root'), ...branches.map(api), api('join')],
      branches.flatMap((branch) => [
        { from: 'root', to: branch, mode: 'parallel' },
        { from: branch, to: 'join' },
      ]),
    );
    const run = await dryRunCountingTurns(fork);
    expect(run).toMatchObject({ status: 'COMPLETED', completed: 122 });
    expect(run.turns).toBeGreaterThan(0);
  });
});
