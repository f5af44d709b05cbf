// What a resumed run learns from its stored events about the visits of the process before it: which completed
// (not run again), and which had sent a keyed request that may have acted (repeated as an uncertain call).
import type { RunEvent } from '../events/run-event.ts';
import type { UncertainState } from '../adapters/executor.ts';
import type { NodeActorOutput } from './actor-events.ts';

/** Visits (`node:visit`) whose node.completed is stored, with what they produced. */
export function completedVisits(events: readonly RunEvent[]): Map<string, NodeActorOutput> {
  const visits = new Map<string, NodeActorOutput>();
  for (const event of events) {
    if (event.type !== 'node.completed') continue;
    // Only a node's latest visit can be in flight in a snapshot: older ones are not kept.
    for (const key of visits.keys()) if (key.startsWith(`${event.node}:`)) visits.delete(key);
    visits.set(`${event.node}:${event.visit}`, {
      outputs: event.outputs,
      ...(event.ai ? { ai: event.ai } : {}),
      durationMs: event.durationMs,
      finishedAt: Date.parse(event.at),
    });
  }
  return visits;
}

const carriesKey = (headers: Record<string, string> | undefined): boolean =>
  headers !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key');

interface VisitCalls {
  since: number;
  attempts: number;
  /** The latest keyed POST has no stored answer: it may be on the wire, or acted and lost its answer. */
  unanswered: boolean;
  /** An earlier attempt failed in a way that may have acted (a 5xx, a reset, a timeout). */
  doubted: boolean;
}

/**
 * Visits (`node:visit`) that had sent a POST with an Idempotency-Key and had not ended when the process stopped, and
 * whose request may have acted: it has no stored answer, or an attempt failed indeterminately. The resumed visit
 * continues as an uncertain call (read first, same key, no fallback on an answer that is not the key's own). The
 * request is stored before it leaves (NodeExecution.untilStored), so a request with no stored event was never sent.
 */
export function sentVisits(events: readonly RunEvent[]): Map<string, UncertainState> {
  const current = new Map<string, number>();
  const visits = new Map<string, VisitCalls>();
  const lastKeyed = new Map<string, boolean>();
  const visitOf = (node: string) => visits.get(`${node}:${current.get(node)}`);
  for (const event of events) {
    if (event.type === 'node.started') current.set(event.node, event.visit);
    else if (event.type === 'node.completed' || event.type === 'node.failed') {
      visits.delete(`${event.node}:${event.visit}`);
    } else if (event.type === 'node.request') {
      // A response answers the latest request: a reconcile read's answer says nothing of the POST before it.
      const keyed = event.method === 'POST' && carriesKey(event.headers);
      lastKeyed.set(event.node, keyed);
      const visit = current.get(event.node);
      if (!keyed || visit === undefined) continue;
      const key = `${event.node}:${visit}`;
      const known = visits.get(key);
      visits.set(key, {
        since: known?.since ?? Date.parse(event.at),
        attempts: event.attempt,
        unanswered: true,
        doubted: known?.doubted ?? false,
      });
    } else if (event.type === 'node.response' && lastKeyed.get(event.node)) {
      const calls = visitOf(event.node);
      if (calls) calls.unanswered = false;
      // A 5xx or a 409 (the original still in flight) leaves the call in doubt, with or without its node.retrying.
      if (calls && (event.status >= 500 || event.status === 409)) calls.doubted = true;
    } else if (event.type === 'node.retrying' && event.error.indeterminate) {
      const calls = visitOf(event.node);
      if (calls) calls.doubted = true;
    }
  }
  const inDoubt = new Map<string, UncertainState>();
  for (const [key, calls] of visits) {
    if (calls.unanswered || calls.doubted) inDoubt.set(key, { since: calls.since, attempts: calls.attempts });
  }
  return inDoubt;
}
