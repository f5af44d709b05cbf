// The target of an `event` edge: before it runs, it waits for the edge's event (or fails with kind `timeout`).
import type { RunEventBody } from '../events/run-event.ts';
import { evaluateCondition } from '../osop/expression.ts';
import type { ExpressionScope, Workflow, WorkflowEdge, WorkflowNode } from '../osop/workflow.ts';
import type { DeliveredEvent, EventGate } from './event-gate.ts';
import { NodeError } from './executor.ts';
import { setLongTimeout, type LongTimer } from './long-timer.ts';
import { formatDuration } from './timeout.ts';

export interface EventWait {
  gate: EventGate;
  node: WorkflowNode;
  /** The `event` edges the node was reached by (their source completed), each with its `event` spec. */
  edges: WorkflowEdge[];
  /** What an edge's `when` is evaluated against, `event` added by the caller. */
  scope(edge: WorkflowEdge, event: DeliveredEvent): ExpressionScope;
  signal: AbortSignal;
  emit(body: RunEventBody): void;
  /** When the node started waiting (epoch ms), kept across a restart so its timeout does not start over. */
  since: number;
  now(): number;
  /** A dry run or a path test does not wait: a kept event (`--event`) is taken, else the event comes with null data. */
  simulate?: boolean;
}

const namesOf = (edges: WorkflowEdge[]) => [...new Set(edges.map((edge) => edge.event!.name))];

/** The shortest timeout of the edges that set one; none when none does. */
function timeoutOf(edges: WorkflowEdge[]): number | undefined {
  const timeouts = edges.map((edge) => edge.event?.timeoutMs).filter((ms): ms is number => ms !== undefined);
  return timeouts.length > 0 ? Math.min(...timeouts) : undefined;
}

/** Whether some edge waits for this event and its `when` holds (a `when` that cannot be evaluated does not). */
function acceptor(wait: EventWait): (event: DeliveredEvent) => boolean {
  return (event) =>
    wait.edges.some((edge) => {
      if (edge.event?.name !== event.name) return false;
      if (!edge.when) return true;
      try {
        return evaluateCondition(edge.when, wait.scope(edge, event));
      } catch {
        return false;
      }
    });
}

/** Resolves with the event the node received; throws a NodeError (kind `timeout`) when none came in time. */
export async function awaitEvent(wait: EventWait): Promise<DeliveredEvent> {
  const { node, signal } = wait;
  const names = namesOf(wait.edges);
  const timeoutMs = timeoutOf(wait.edges);
  wait.emit({ type: 'event.waiting', node: node.id, names, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  const accepts = acceptor(wait);
  if (wait.simulate) {
    const event = wait.gate.take(names, accepts) ?? { name: names[0], data: null };
    wait.emit({ type: 'event.received', node: node.id, name: event.name, data: event.data, simulated: true });
    return event;
  }
  const controller = new AbortController();
  const abortFromOuter = () => controller.abort(signal.reason);
  signal.addEventListener('abort', abortFromOuter, { once: true });
  let timer: LongTimer | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    if (timeoutMs !== undefined) timer = setLongTimeout(() => resolve('expired'), wait.since + timeoutMs - wait.now());
  });
  try {
    const outcome = await Promise.race([wait.gate.wait(node.id, names, accepts, controller.signal), expired]);
    if (outcome === 'expired') {
      controller.abort(new Error('event wait timed out'));
      throw new NodeError(
        `${node.id} waited ${formatDuration(timeoutMs ?? 0)} for event ${names.join(' or ')}; none came`,
        { code: 'event_timeout', kind: 'timeout' },
      );
    }
    wait.emit({ type: 'event.received', node: node.id, name: outcome.name, data: outcome.data });
    return outcome;
  } finally {
    timer?.clear();
    signal.removeEventListener('abort', abortFromOuter);
  }
}

/** Every event name some `event` edge of the workflow waits for, in file order. */
export const workflowEventNames = (workflow: Workflow): string[] => [
  ...new Set(workflow.edges.flatMap((edge) => (edge.mode === 'event' && edge.event ? [edge.event.name] : []))),
];
