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
  /** Events for the nodes running in a snapshot: only the first one in document order (one interleaving per fork). */
  forRunning(running: string[]): WalkEvent[];
  originOf(event: WalkEvent): EventOrigin | undefined;
}

export function walkEvents(nodeOrder: string[], outcomes: Map<string, Outcome[]>): WalkEvents {
  const origins = new Map<WalkEvent, EventOrigin>();
  const byNode = new Map<string, WalkEvent[]>();
  for (const node of nodeOrder) {
    const events = (outcomes.get(node) ?? []).map((outcome): WalkEvent => {
      const event: WalkEvent =
        outcome.kind === 'done'
          ? { type: doneEventType(node), output: { outputs: outcome.outputs } }
          : { type: errorEventType(node), error: outcome.error };
      origins.set(event, { node, outcome });
      return event;
    });
    byNode.set(node, events);
  }
  const rank = new Map(nodeOrder.map((node, index) => [node, index]));
  return {
    forRunning(running) {
      const first = [...running].filter((node) => rank.has(node)).sort((a, b) => rank.get(a)! - rank.get(b)!)[0];
      return first ? (byNode.get(first) ?? []) : [];
    },
    originOf: (event) => origins.get(event),
  };
}
