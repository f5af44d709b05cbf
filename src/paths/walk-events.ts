// The synthetic actor events a graph walk feeds the compiled machine: one per outcome of each running node.
import { doneEventType, errorEventType, type NodeActorError, type NodeActorOutput } from '../machine/actor-events.ts';
import type { Outcome } from './outcomes.ts';

export type WalkEvent =
  | { type: string; output: NodeActorOutput }
  | { type: string; error: NodeActorError };

export interface EventOrigin {
  node: string;
  outcome: Outcome;
}

export interface WalkEvents {
  /** Fresh events for the nodes running in a snapshot: only the first one in document order (one interleaving per fork). */
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
export function walkEvents(nodeOrder: string[], outcomes: Map<string, Outcome[]>): WalkEvents {
  const origins = new WeakMap<WalkEvent, EventOrigin>();
  const rank = new Map(nodeOrder.map((node, index) => [node, index]));
  return {
    forRunning(running) {
      const first = [...running].filter((node) => rank.has(node)).sort((a, b) => rank.get(a)! - rank.get(b)!)[0];
      if (!first) return [];
      return (outcomes.get(first) ?? []).map((outcome) => {
        const event = eventFor(first, outcome);
        origins.set(event, { node: first, outcome });
        return event;
      });
    },
    originOf: (event) => origins.get(event),
  };
}
