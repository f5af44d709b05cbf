// Named actions of the compiled machine: context bookkeeping and `edge.taken` emission; no I/O.
import { assign, enqueueActions } from 'xstate';
import type { Workflow } from '../osop/workflow.ts';
import { DEFAULT_MAX_VISITS, type RunContext, type RunError, type Routing } from './context.ts';
import {
  failureDecision,
  routedOverLimit,
  successDecision,
  type JoinParams,
  type MachineEvent,
  type NodeParams,
} from './guards.ts';
import { LOOP_NEXT, type TakenEdge } from './route.ts';
import { DURABLE_EVENT, type DurableEvent } from './actor-events.ts';
import { workflowIndex } from './workflow-index.ts';

export type EdgeTakenEmitted = TakenEdge & { type: 'edge.taken' };
/** A node whose outgoing condition could not be evaluated: the runner reports it as the node's failure. */
export interface ConditionFailedEmitted {
  type: 'condition.failed';
  node: string;
  visit: number;
  message: string;
}
export type MachineEmitted = EdgeTakenEmitted | ConditionFailedEmitted;

export interface RouteActionParams extends NodeParams {
  on: 'success' | 'failure';
}

interface ActionArgs {
  context: RunContext;
  event: MachineEvent;
}

type Enqueue = {
  assign: (update: Partial<RunContext>) => void;
  emit: (event: MachineEmitted) => void;
};

const isDurableEvent = (event: MachineEvent | DurableEvent): event is DurableEvent => event.type === DURABLE_EVENT;

function routingOf(context: RunContext, node: string): Routing {
  if (context.routing?.node !== node) throw new Error(`internal: no routing decision recorded for ${node}`);
  return context.routing;
}

function applyDecision(context: RunContext, { node, decision }: Routing, enqueue: Enqueue): void {
  const loops = { ...context.loops };
  if (decision.key === LOOP_NEXT) loops[node] = { ...loops[node], index: loops[node].index + 1 };
  else delete loops[node];
  if (decision.startLoop) loops[decision.startLoop.body] = decision.startLoop.loop;
  enqueue.assign({ loops, notes: { ...context.notes, ...decision.notes }, routing: undefined });
  for (const edge of decision.taken) enqueue.emit({ type: 'edge.taken', ...edge });
}

const cycleError = (node: string, max: number, cause?: string): RunError => ({
  message: `cycle limit reached at ${node} (max_iterations ${max})${cause ? `; last error: ${cause}` : ''}`,
  code: 'cycle_limit',
  node,
});

export function createActions(workflow: Workflow) {
  const { nodes } = workflowIndex(workflow);
  const maxIterations = (node: string) => nodes.get(node)?.maxIterations ?? 3;
  return {
    enterNode: assign(({ context }: ActionArgs, { node }: NodeParams) => {
      const state = context.nodes[node];
      const iterating = (context.loops[node]?.index ?? 0) > 0;
      return {
        nodes: {
          ...context.nodes,
          [node]: {
            status: 'RUNNING' as const,
            visits: state.visits + 1,
            entries: state.entries + (iterating ? 0 : 1),
            attempt: 1,
          },
        },
      };
    }),
    completeNode: assign((args: ActionArgs, { node }: NodeParams) => {
      const { after, decision } = successDecision(workflow, args, node);
      return { outputs: after.outputs, nodes: after.nodes, routing: { node, decision } };
    }),
    failNode: assign((args: ActionArgs, { node }: NodeParams) => {
      const { after, decision, error } = failureDecision(workflow, args, node);
      return { nodes: after.nodes, routing: { node, decision, error } };
    }),
    route: enqueueActions(({ context, enqueue }: ActionArgs & { enqueue: Enqueue }, params: RouteActionParams) => {
      applyDecision(context, routingOf(context, params.node), enqueue);
    }),
    cycleLimit: enqueueActions(({ context, enqueue }: ActionArgs & { enqueue: Enqueue }, params: RouteActionParams) => {
      const routing = routingOf(context, params.node);
      const target = routedOverLimit(workflow, context, routing, params.on);
      const cause = routing.error ? `${params.node}: ${routing.error.message}` : undefined;
      applyDecision(context, routing, enqueue);
      const node = target ?? params.node;
      enqueue.assign({ error: cycleError(node, maxIterations(node), cause) });
    }),
    conditionFailed: enqueueActions(({ context, enqueue }: ActionArgs & { enqueue: Enqueue }, { node }: NodeParams) => {
      const message = `${node}: cannot route: ${routingOf(context, node).decision.failure}`;
      const state = context.nodes[node];
      enqueue.assign({
        nodes: { ...context.nodes, [node]: { ...state, status: 'FAILED', error: message } },
        error: { message, code: 'condition', node },
        routing: undefined,
      });
      enqueue.emit({ type: 'condition.failed', node, visit: state.visits, message });
    }),
    visitLimit: assign(({ context }: ActionArgs, { node }: NodeParams) => {
      const max = context.maxVisits ?? DEFAULT_MAX_VISITS;
      const message = `visit limit reached after ${node}: this run may make ${max} node visits in all`;
      return { error: { message, code: 'visit_limit', node }, routing: undefined };
    }),
    failRun: assign(({ context }: ActionArgs, { node }: NodeParams) => {
      const error = routingOf(context, node).error!; // failNode, which always runs first, recorded it
      return { error: { message: error.message, code: error.code, node }, routing: undefined };
    }),
    joinCycleLimit: assign((_: ActionArgs, params: JoinParams) => ({
      error: cycleError(params.join ?? params.fork, maxIterations(params.join ?? '')),
    })),
    enterFork: assign(({ context }: ActionArgs, params: JoinParams) => ({
      joins: { ...context.joins, [params.fork]: { arrived: 0, ended: 0 } },
    })),
    arrive: assign(({ context }: ActionArgs, params: JoinParams) => {
      const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
      return { joins: { ...context.joins, [params.fork]: { ...state, arrived: state.arrived + 1 } } };
    }),
    endBranch: assign(({ context }: ActionArgs, params: JoinParams) => {
      const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
      return { joins: { ...context.joins, [params.fork]: { ...state, ended: state.ended + 1 } } };
    }),
    timeoutRun: assign(() => ({
      error: { message: `workflow timed out after ${Math.round((workflow.timeoutMs ?? 0) / 1000)}s`, code: 'timeout' },
    })),
    cancelRun: assign(() => ({ error: { message: 'run cancelled', code: 'cancelled' } })),
    limitRun: assign(({ event }: ActionArgs) => ({ error: limitErrorOf(event.error) })),
    recordDurable: assign(({ context, event }: ActionArgs) =>
      isDurableEvent(event) ? { durable: { ...context.durable, [event.node]: event.state } } : {},
    ),
  };
}

/** The error a LIMIT_EVENT carries (see run-limits.ts). */
function limitErrorOf(error: unknown): { message: string; code: string } {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return { message: String(message ?? 'a run limit was reached'), code: String(code ?? 'run_limit') };
}
