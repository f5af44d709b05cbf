// Issue 20: the machine decides a node's routing once per transition (guards and actions share it) and the next node's
// record is written into the transition's own copy of the node records (flat, or one chunk for big workflows). Neither
// may leak into another transition: the same event on the same snapshot, or one snapshot's two events, give what a
// fresh computation gives.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { doneEventType, errorEventType } from '../../src/machine/actor-events.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { FLAT_MAX_NODES, nodeStateOf as state, outputsOf } from '../../src/machine/per-node.ts';
import { buildWorkflow } from '../paths/build-workflow.ts';

/** a → b → c, then `more` nodes after c (past FLAT_MAX_NODES, the records are chunked). */
const chain = (more: number) => {
  const ids = ['a', 'b', 'c', ...Array.from({ length: more }, (_, index) => `p${index}`)];
  return buildWorkflow(
    ids,
    ids.slice(1).map((to, index) => ({ from: ids[index], to })),
  );
};

describe.each([
  ['flat records', chain(0)],
  ['chunked records', chain(FLAT_MAX_NODES)],
])('one routing decision per transition (%s)', (_, workflow) => {
  it('gives the same next snapshot when the same event is replayed on the same snapshot', () => {
    const machine = compileWorkflow(workflow);
    const [start] = initialTransition(machine, { runId: 'replay' });
    const done = { type: doneEventType('a'), output: { outputs: { id: 1 } } } as never;
    const [first] = transition(machine, start, done);
    const [second] = transition(machine, start, done);
    for (const next of [first, second]) {
      expect(next.value).toBe('b');
      expect(state(next.context, 'a')).toMatchObject({ status: 'COMPLETED', visits: 1 });
      expect(state(next.context, 'b')).toMatchObject({ status: 'RUNNING', visits: 1, entries: 1 });
      expect(outputsOf(next.context, 'a')).toEqual({ id: 1 });
    }
    expect(second.context).not.toBe(first.context);
    // The snapshot both started from is untouched.
    expect(state(start.context, 'b')).toMatchObject({ status: 'PENDING', visits: 0 });
  });

  it('leaves a snapshot as it was when another event is tried on it', () => {
    const machine = compileWorkflow(workflow);
    const [start] = initialTransition(machine, { runId: 'replay' });
    const [atB] = transition(machine, start, { type: doneEventType('a'), output: { outputs: {} } } as never);
    const before = JSON.stringify(atB.context);
    const [failed] = transition(machine, atB, {
      type: errorEventType('b'),
      error: { message: 'boom', kind: 'error' },
    } as never);
    const [atC] = transition(machine, atB, { type: doneEventType('b'), output: { outputs: {} } } as never);
    expect(JSON.stringify(atB.context)).toBe(before);
    expect(state(failed.context, 'b')).toMatchObject({ status: 'FAILED', error: 'boom' });
    expect(state(failed.context, 'c')?.status).toBe('PENDING');
    expect(atC.value).toBe('c');
    expect(state(atC.context, 'b')?.status).toBe('COMPLETED');
    expect(state(atC.context, 'c')).toMatchObject({ status: 'RUNNING', visits: 1 });
  });
});
