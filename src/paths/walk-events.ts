// The synthetic actor events a graph walk feeds the compiled machine: one per outcome of each running node.
import { doneEventType, errorEventType, type NodeDoneEvent, type NodeErrorEvent } from '../machine/actor-events.ts';
import type { Outcome } from './outcomes.ts';

export type WalkEvent = NodeDoneEvent | NodeErrorEvent;

interface EventOrigin {
  node: string;
  outcome: Outcome;
}

export interface WalkEvents {
  /** Fresh events for the nodes running in a snapshot (with one interleaving per fork: the first in document order only). */
  forRunning(running: string[]): WalkEvent[];
  originOf(event: WalkEvent): EventOrigin | undefined;
}

/** `finishedAt`: the one time `now()` reads in the conditions routing this event. */
const eventFor = (node: string, outcome: Outcome, finishedAt: number): WalkEvent =>
  outcome.kind === 'done'
    ? { type: doneEventType(node), output: { outputs: structuredClone(outcome.outputs), finishedAt } }
    : { type: errorEventType(node), error: { ...structuredClone(outcome.error), finishedAt } };

/** Every call makes new event objects: each is the key of its origin, and one snapshot's events are its own. */
export function walkEvents(
  nodeOrder: string[],
  outcomes: Map<string, Outcome[]>,
  options: { interleave: boolean },
): WalkEvents {
  const origins = new WeakMap<WalkEvent, EventOrigin>();
  const rank = new Map(nodeOrder.map((node, index) => [node, index]));
  return {
    forRunning(running) {
      // Actor ids are node ids, or `node/region` for a body node of a parallel for_each.
      const nodeOf = (actor: string) => actor.split('/')[0];
      const ordered = [...running]
        .filter((actor) => rank.has(nodeOf(actor)))
        .sort((a, b) => rank.get(nodeOf(a))! - rank.get(nodeOf(b))! || a.localeCompare(b));
      return (options.interleave ? ordered : ordered.slice(0, 1)).flatMap((actor) =>
        (outcomes.get(nodeOf(actor)) ?? []).map((outcome) => {
          const event = eventFor(actor, outcome, Date.now());
          origins.set(event, { node: nodeOf(actor), outcome });
          return event;
        }),
      );
    },
    originOf: (event) => origins.get(event),
  };
}
