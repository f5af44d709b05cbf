// A retry run: a persisted snapshot that starts at the failed node with the outputs the earlier run had
// gathered, so the nodes before it (and their Stripe calls) are not repeated. Pure: no I/O.
import type { Workflow } from '../osop/workflow.ts';
import { actorInput, initialContext, type RunContext } from './context.ts';
import { allOutputs, nodeStateOf, outputsOf, withNodeState, withOutputs, type PerNode } from './per-node.ts';
import { planWorkflow } from './plan.ts';

export class RetryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryError';
  }
}

export interface RetryPlan {
  /** The new run's id. */
  runId: string;
  /** The node the new run starts at. */
  from: string;
  /** The new run's inputs (the earlier run's, with any the person changed). */
  inputs: Record<string, unknown>;
}

const isContext = (value: unknown): value is RunContext =>
  typeof value === 'object' &&
  value !== null &&
  ((typeof (value as RunContext).nodes === 'object' && typeof (value as RunContext).outputs === 'object') ||
    typeof (value as RunContext).chunks === 'object');

/** The context the earlier run ended with, from its persisted snapshot. */
export function snapshotContext(snapshot: unknown): RunContext | undefined {
  const context = (snapshot as { context?: unknown } | undefined)?.context;
  return isContext(context) ? context : undefined;
}

/**
 * XState's persisted snapshot for a run that begins at `plan.from`: the nodes that completed before keep their
 * outputs (one visit each, so cycle limits count afresh), `from` is entered as its first visit, the rest are pending.
 */
export function retrySnapshot(workflow: Workflow, previous: unknown, plan: RetryPlan): unknown {
  const before = snapshotContext(previous);
  if (!before) throw new RetryError('the earlier run left no snapshot to retry from');
  if (!workflow.nodes.some((node) => node.id === plan.from)) {
    throw new RetryError(
      `workflow ${workflow.id} has no node ${plan.from}: pick one of ${workflow.nodes.map((node) => node.id).join(', ')}`,
    );
  }
  if (!planWorkflow(workflow).owned.has(plan.from)) {
    throw new RetryError(
      `node ${plan.from} runs inside a parallel branch; a retry can only start at a node outside one`,
    );
  }
  const fresh = initialContext(workflow, { runId: plan.runId, inputs: plan.inputs, env: before.env });
  let records: PerNode = fresh;
  let visited = 1;
  for (const node of workflow.nodes) {
    const earlier = nodeStateOf(before, node.id);
    const outputs = outputsOf(before, node.id);
    if (node.id === plan.from || earlier?.status !== 'COMPLETED' || !outputs) continue;
    records = withOutputs(
      withNodeState(records, node.id, { ...earlier, visits: 1, entries: 1, attempt: 1 }),
      node.id,
      outputs,
    );
    visited += 1;
  }
  records = withNodeState(records, plan.from, { status: 'RUNNING', visits: 1, entries: 1, attempt: 1 });
  const context: RunContext = { ...fresh, ...records, visited };
  const type = workflow.nodes.find((node) => node.id === plan.from)!.type;
  return {
    status: 'active',
    value: plan.from,
    historyValue: {},
    context,
    children: {
      [plan.from]: {
        snapshot: { status: 'active', input: actorInput(context, plan.from) },
        src: type,
        syncSnapshot: false,
      },
    },
  };
}

/** The outputs a retry snapshot carries over, by node. */
export function reusedOutputs(snapshot: unknown): Record<string, Record<string, unknown>> {
  const context = snapshotContext(snapshot);
  return context ? allOutputs(context) : {};
}

/** The node a failed run stopped at: the last one that failed (or timed out). */
export function failedNode(events: Array<{ type: string; node?: string }>): string | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (event.type === 'node.failed' && event.node) return event.node;
  }
  return undefined;
}
