// What GET /api/runs/:id shows: the run's status and each node's state, folded from its (redacted) events.
import type { ErrorInfo, RunEvent, RunStatus } from '../events/run-event.ts';
import type { NodeStatus } from '../osop/workflow.ts';
import type { RunRecord } from '../store/run-store.ts';

interface NodeView {
  status: NodeStatus;
  visits: number;
  attempt: number;
  durationMs?: number;
  outputs?: Record<string, unknown>;
  error?: ErrorInfo;
  /** Completed by the run this one retries; its outputs were carried over. */
  reused?: boolean;
}

export interface RunView {
  runId: string;
  workflowId: string;
  status: RunStatus;
  inputs: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  nodes: Record<string, NodeView>;
  waiting: string[];
  error?: ErrorInfo;
  durationMs?: number;
  workflowName?: string;
  /** This run retries that one, starting at `node`. */
  retryOf?: { runId: string; node: string };
}

const nodeOf = (nodes: Record<string, NodeView>, id: string): NodeView =>
  (nodes[id] ??= { status: 'PENDING', visits: 0, attempt: 0 });

const applyEvent = (view: RunView, event: RunEvent): void => {
  switch (event.type) {
    case 'run.started':
      view.workflowName = event.workflowName;
      if (!event.retryOf) return;
      view.retryOf = { runId: event.retryOf.runId, node: event.retryOf.node };
      for (const [id, outputs] of Object.entries(event.retryOf.reused ?? {})) {
        Object.assign(nodeOf(view.nodes, id), { status: 'COMPLETED', outputs, reused: true });
      }
      return;
    case 'node.started':
      Object.assign(nodeOf(view.nodes, event.node), {
        status: 'RUNNING',
        visits: event.visit,
        attempt: event.attempt,
        error: undefined,
      });
      return;
    case 'node.retrying':
      Object.assign(nodeOf(view.nodes, event.node), { attempt: event.attempt, error: event.error });
      return;
    case 'human.waiting':
      nodeOf(view.nodes, event.node).status = 'WAITING';
      return;
    case 'node.completed':
      Object.assign(nodeOf(view.nodes, event.node), {
        status: 'COMPLETED',
        durationMs: event.durationMs,
        outputs: event.outputs,
        error: undefined,
      });
      return;
    case 'node.failed':
      Object.assign(nodeOf(view.nodes, event.node), {
        status: event.error.code === 'timeout' ? 'TIMEOUT' : 'FAILED',
        durationMs: event.durationMs,
        error: event.error,
        // What the failed node kept (a command's stdout, an API's error body), else nothing from an earlier visit.
        outputs: event.outputs,
      });
      return;
    case 'node.skipped':
      nodeOf(view.nodes, event.node).status = 'SKIPPED';
      return;
    case 'run.completed':
      view.status = event.status;
      view.durationMs = event.durationMs;
      return;
    case 'run.failed':
      view.status = event.status;
      view.durationMs = event.durationMs;
      view.error = event.error;
      return;
    default:
      return;
  }
};

export const viewRun = (run: RunRecord, events: RunEvent[], nodeIds: string[] = []): RunView => {
  const view: RunView = {
    runId: run.id,
    workflowId: run.workflowId,
    status: run.status,
    inputs: run.inputs,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    lastSeq: run.lastSeq,
    nodes: {},
    waiting: [],
  };
  for (const id of nodeIds) nodeOf(view.nodes, id);
  // The row and the events are read one after the other: what the events say wins (a write may land in between).
  for (const event of events) {
    applyEvent(view, event);
    view.lastSeq = Math.max(view.lastSeq, event.seq);
  }
  view.waiting = Object.entries(view.nodes)
    .filter(([, node]) => node.status === 'WAITING')
    .map(([id]) => id);
  return view;
};
