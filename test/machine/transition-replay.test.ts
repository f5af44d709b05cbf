// Issue 20: the machine decides a node's routing once per transition (guards and actions share it) and the next node's
// record is written into the transition's own copy of `context.nodes`. Neither may leak into another transition:
// the same event on the same snapshot, or one snapshot's two events, give what a fresh computation gives.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { doneEventType, errorEventType } from '../../src/machine/actor-events.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { buildWorkflow } from '../paths/build-workflow.ts';

const workflow = buildWorkflow(
  ['a', 'b', 'c'],
  [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
  ],
);

describe('one routing decision per transition', () => {
  it('gives the same next snapshot when the same event is replayed on the same snapshot', () => {
    const machine = compileWorkflow(workflow);
    const [start] = initialTransition(machine, { runId: 'replay' });
    const done = { type: doneEventType('a'), output: { outputs: { id: 1 } } } as never;
    const [first] = transition(machine, start, done);
    const [second] = transition(machine, start, done);
    for (const next of [first, second]) {
      expect(next.value).toBe('b');
      expect(next.context.nodes.a).toMatchObject({ status: 'COMPLETED', visits: 1 });
      expect(next.context.nodes.b).toMatchObject({ status: 'RUNNING', visits: 1, entries: 1 });
      expect(next.context.outputs.a).toEqual({ id: 1 });
    }
    expect(second.context.nodes).not.toBe(first.context.nodes);
    // The snapshot both started from is untouched.
    expect(start.context.nodes.b).toMatchObject({ status: 'PENDING', visits: 0 });
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
    expect(failed.context.nodes.b).toMatchObject({ status: 'FAILED', error: 'boom' });
    expect(failed.context.nodes.c.status).toBe('PENDING');
    expect(atC.value).toBe('c');
    expect(atC.context.nodes.b.status).toBe('COMPLETED');
    expect(atC.context.nodes.c).toMatchObject({ status: 'RUNNING', visits: 1 });
  });
});
