// Issue 20: workflows past FLAT_MAX_NODES keep node states and outputs in chunks (src/machine/per-node.ts). A run of
// one must behave as a small one does: conditions read outputs and status(), skipped nodes are reported, the result
// has every output, a persisted snapshot resumes, and a retry reuses what completed.
import { describe, expect, it, vi } from 'vitest';
import { FLAT_MAX_NODES } from '../../src/machine/per-node.ts';
import { retrySnapshot, reusedOutputs } from '../../src/machine/retry-snapshot.ts';
import { startRun } from '../../src/machine/runner.ts';
import { completed, scripted, scriptedAwaitingHumans, skipped, started, workflowFrom } from './helpers.ts';

const SIZE = FLAT_MAX_NODES + 50;
const ids = Array.from({ length: SIZE }, (_, index) => `n${index + 1}`);
const HUMAN = `n${Math.floor(SIZE / 2)}`;
const LAST = ids.at(-1)!;
const BEFORE_LAST = ids.at(-2)!;

/** n1 → … → n{SIZE}; one human node halfway; the last edge is chosen by what n1 produced and n2's status. */
const bigChain = workflowFrom(
  [
    'osop_version: "1.0"',
    'id: big-chain',
    'name: Big chain',
    'nodes:',
    ...ids.map((id) => `  - { id: ${id}, type: ${id === HUMAN ? 'human' : 'agent'}, name: ${id} }`),
    '  - { id: other, type: agent, name: other }',
    'edges:',
    ...ids.slice(1, -1).map((to, index) => `  - { from: ${ids[index]}, to: ${to} }`),
    `  - { from: ${BEFORE_LAST}, to: ${LAST}, mode: conditional, when: "n1.x == 1 && status('n2') == 'COMPLETED'" }`,
    `  - { from: ${BEFORE_LAST}, to: other, mode: conditional, when: "n1.x != 1" }`,
  ].join('\n'),
);

const script = { n1: () => ({ outputs: { x: 1 } }) };

describe('a workflow with chunked node records', () => {
  it('routes on outputs and status(), reports the skipped node and returns every output', async () => {
    const handle = startRun({ workflow: bigChain, runId: 'big', executors: scriptedAwaitingHumans(script) });
    await vi.waitFor(() => expect(handle.waiting()).toEqual([HUMAN]));
    handle.signal(HUMAN, { decision: 'approved' });
    const result = await handle.done;
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toEqual(ids);
    expect(skipped(result.events)).toEqual(['other']);
    expect(Object.keys(result.outputs)).toHaveLength(SIZE);
    expect(result.outputs.n1).toEqual({ x: 1 });
  });

  it('resumes from a persisted snapshot at the human node', async () => {
    const executors = scriptedAwaitingHumans(script);
    const snapshots: unknown[] = [];
    const first = startRun({
      workflow: bigChain,
      runId: 'big',
      executors,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    await vi.waitFor(() => expect(first.waiting()).toEqual([HUMAN]));
    first.cancel();
    const stopped = await first.done;
    const persisted = JSON.parse(JSON.stringify(snapshots.at(-2)));
    const lastSeq = stopped.events.findLast((event) => event.type === 'node.started')!.seq;
    const resumed = startRun({ workflow: bigChain, runId: 'big', executors, snapshot: persisted, lastSeq });
    await vi.waitFor(() => expect(resumed.waiting()).toEqual([HUMAN]));
    resumed.signal(HUMAN, { decision: 'approved' });
    const result = await resumed.done;
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toEqual(ids.slice(ids.indexOf(HUMAN)));
    expect(result.outputs.n1).toEqual({ x: 1 });
    expect(started(result.events)).not.toContain('other');
  });

  it('retries from a node, reusing the outputs of the nodes before it', async () => {
    const snapshots: unknown[] = [];
    const failing = { ...script, [LAST]: () => Promise.reject(new Error('boom')) };
    const first = await startRun({
      workflow: bigChain,
      runId: 'big',
      executors: scripted(failing),
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    }).done;
    expect(first.status).toBe('FAILED');
    const previous = JSON.parse(JSON.stringify(snapshots.at(-1)));
    const snapshot = retrySnapshot(bigChain, previous, { runId: 'retry', from: LAST, inputs: {} });
    expect(Object.keys(reusedOutputs(snapshot))).toHaveLength(SIZE - 1);
    const retried = await startRun({ workflow: bigChain, runId: 'retry', executors: scripted(script), snapshot }).done;
    expect(retried.status).toBe('COMPLETED');
    expect(started(retried.events)).toEqual([LAST]);
    expect(completed(retried.events)).toEqual([LAST]);
  });
});
