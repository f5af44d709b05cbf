// Issue 20: XState persists the input of every running node with the run's snapshot. That input carried the run's
// inputs, env and every output so far, so each stored snapshot held them once more per node in flight (a seed run's
// six snapshots: 10.6 of 29.7 KB). They are read from the context instead, and a resumed run gives them back.
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../src/adapters/executor.ts';
import { startRun } from '../../src/machine/runner.ts';
import { workflowFrom } from './helpers.ts';

const workflow = workflowFrom(
  [
    'osop_version: "1.0"',
    'id: two-steps',
    'name: Two steps',
    'inputs:',
    '  - { name: order, type: string }',
    'nodes:',
    '  - { id: a, type: api, name: A, runtime: { method: GET, url: "https://example.com/a" } }',
    '  - { id: b, type: api, name: B, runtime: { method: GET, url: "https://example.com/${a.token}/${inputs.order}" } }',
    'edges:',
    '  - { from: a, to: b }',
  ].join('\n'),
);

interface Persisted {
  children: Record<string, { snapshot: { input: Record<string, unknown> } }>;
  context: { outputs?: Record<string, unknown> };
}

describe("a running node's input in the persisted snapshot", () => {
  it('holds what the node is, not the run: a resumed run gives the node its outputs and inputs back', async () => {
    const big = 'x'.repeat(5_000);
    let stored: string | undefined;
    let resolveB: (() => void) | undefined;
    const first: Executor = async ({ node }) => {
      if (node.id === 'a') return { outputs: { token: 'tok', big } };
      // b never answers in the first process: the run is stored with b in flight.
      await new Promise<void>((resolve) => (resolveB = resolve));
      return { outputs: {} };
    };
    const before = startRun({
      workflow,
      runId: 'r1',
      inputs: { order: 'o-7' },
      executors: { api: first },
      onSnapshot: (snapshot) => (stored = JSON.stringify(snapshot)),
    });
    await expect.poll(() => resolveB !== undefined).toBe(true);
    const persisted = JSON.parse(stored!) as Persisted;
    const input = persisted.children.b.snapshot.input;
    expect(input).toMatchObject({ node: 'b', visit: 1 });
    expect(Object.keys(input)).not.toContain('outputs');
    expect(Object.keys(input)).not.toContain('inputs');
    // a's big output is in the snapshot once: in the context.
    expect(stored!.split(big)).toHaveLength(2);
    before.cancel();
    resolveB!();
    await before.done;

    const urls: unknown[] = [];
    const second: Executor = async ({ runtime }) => {
      urls.push(runtime.url);
      return { outputs: {} };
    };
    const resumed = await startRun({ workflow, snapshot: persisted, executors: { api: second } }).done;
    expect(resumed.status).toBe('COMPLETED');
    expect(urls).toEqual(['https://example.com/tok/o-7']);
  });
});
