// Per-node state a run keeps in its persisted snapshot (timer starts, uncertain-outcome retry schedules).
import { DURABLE_EVENT, type DurableEvent, type DurableNodeState } from './actor-events.ts';
import type { NodeActorDeps } from './run-services.ts';

const restoredStates = (snapshot: unknown): Record<string, DurableNodeState> => {
  const durable = (snapshot as { context?: { durable?: unknown } } | undefined)?.context?.durable;
  return typeof durable === 'object' && durable !== null ? (durable as Record<string, DurableNodeState>) : {};
};

/** Reads start from the resumed snapshot; every record goes to the machine's context (and so into the next snapshot). */
export function durableNodeStates(
  snapshot: unknown,
  send: (event: DurableEvent) => void,
): Pick<NodeActorDeps, 'durableOf' | 'recordDurable'> {
  const kept = new Map(Object.entries(restoredStates(snapshot)));
  return {
    durableOf: (node, visit) => {
      const state = kept.get(node);
      return state?.visit === visit ? state : undefined;
    },
    recordDurable: (node, state) => {
      kept.set(node, state);
      send({ type: DURABLE_EVENT, node, state });
    },
  };
}
