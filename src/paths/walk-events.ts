// The synthetic actor events a graph walk feeds the compiled machine: one per outcome of each running node.
import { doneEventType, errorEventType, type NodeActorError, type NodeActorOutput } from '../machine/actor-events.ts';
import type { Outcome } from './outcomes.ts';

export type WalkEvent = { type: string; output: NodeActorOutput } | { type: string; error: NodeActorError };

interface EventOrigin {
  node: string;
  outcome: Outcome;
}

export interface WalkEvents {
  /** Fresh events for the nodes running in a snapshot (with one interleaving per fork: the first in document order only). */
  forRunning(running: string[]): WalkEvent[];
  originOf(event: WalkEvent): EventOrigin | undefined;
}

const eventFor = (node: string, outcome: Outcome): WalkEvent =>
  outcome.kind === 'done'
    ? { type: doneEventType(node), output: { outputs: structuredClone(outcome.outputs) } }
    : { type: errorEventType(node), error: { ...outcome.error } };

/**
 * Every call makes new event objects: the machine memoizes its routing decision per event object
 * (machine/guards.ts), so one object must never meet two different snapshots.
 */
export function walkEvents(
  nodeOrder: string[],
  outcomes: Map<string, Outcome[]>,
  options: { interleave: boolean },
): WalkEvents {
  const origins = new WeakMap<WalkEvent, EventOrigin>();
  const rank = new Map(nodeOrder.map((node, index) => [node, index]));
  return {
    forRunning(running) {
      const ordered = [...running].filter((node) => rank.has(node)).sort((a, b) => rank.get(a)! - rank.get(b)!);
      return (options.interleave ? ordered : ordered.slice(0, 1)).flatMap((node) =>
        (outcomes.get(node) ?? []).map((outcome) => {
          const event = eventFor(node, outcome);
          origins.set(event, { node, outcome });
          return event;
        }),
      );
    },
    originOf: (event) => origins.get(event),
  };
}
