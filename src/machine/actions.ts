// Named actions of the compiled machine: context bookkeeping and `edge.taken` emission; no I/O.
import { assign, enqueueActions, type ParameterizedObject } from 'xstate';
import type { Workflow } from '../osop/workflow.ts';
import { DEFAULT_MAX_VISITS, type RunContext, type RunError, type Routing } from './context.ts';
import {
  routedOverLimit,
  takeFailureDecision,
  takeSuccessDecision,
  type BranchFailureParams,
  type JoinParams,
  type MachineArgs,
  type NodeParams,
} from './guards.ts';
import { LOOP_NEXT, type TakenEdge } from './route.ts';
import { DURABLE_EVENT, LIMIT_EVENT, type MachineEvent, type ProvidedNodeActor } from './actor-events.ts';
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

type Params = ParameterizedObject['params'] | undefined;

/** An assign action of this machine, its params typed (setup() checks every reference to it against them). */
const update = <P extends Params>(assigner: (args: MachineArgs, params: P) => Partial<RunContext>) =>
  assign<RunContext, MachineEvent, P, MachineEvent, ProvidedNodeActor>(assigner);

type Collect<P extends Params> = Parameters<
  typeof enqueueActions<
    RunContext,
    MachineEvent,
    P,
    MachineEvent,
    ProvidedNodeActor,
    never,
    never,
    never,
    MachineEmitted
  >
>[0];

/** An action that assigns and emits, its params typed. */
const sequence = <P extends Params>(collect: Collect<P>) =>
  enqueueActions<RunContext, MachineEvent, P, MachineEvent, ProvidedNodeActor, never, never, never, MachineEmitted>(
    collect,
  );

function routingOf(context: RunContext, node: string): Routing {
  if (context.routing?.node !== node) throw new Error(`internal: no routing decision recorded for ${node}`);
  return context.routing;
}

/** What following a recorded decision changes: loop state and skip notes, and the edges it takes. */
function applied(
  context: RunContext,
  { node, decision }: Routing,
): { update: Partial<RunContext>; edges: TakenEdge[] } {
  const loops = { ...context.loops };
  if (decision.key === LOOP_NEXT) loops[node] = { ...loops[node], index: loops[node].index + 1 };
  else delete loops[node];
  if (decision.startLoop) loops[decision.startLoop.body] = decision.startLoop.loop;
  return {
    update: { loops, notes: { ...context.notes, ...decision.notes }, routing: undefined },
    edges: decision.taken,
  };
}

const cycleError = (node: string, max: number, cause?: string): RunError => ({
  message: `cycle limit reached at ${node} (max_iterations ${max})${cause ? `; last error: ${cause}` : ''}`,
  code: 'cycle_limit',
  node,
});

/**
 * The `nodes` record completeNode made in the transition for this event: the node entered next in the same transition
 * writes into it instead of copying every node's record a second time (a long chain would cost nodes² copies).
 */
const freshNodes = new WeakMap<MachineEvent, RunContext['nodes']>();

export function createActions(workflow: Workflow) {
  const { nodes } = workflowIndex(workflow);
  const maxIterations = (node: string) => nodes.get(node)?.maxIterations ?? 3;
  return {
    enterNode: update(({ context, event }, { node }: NodeParams) => {
      const state = context.nodes[node];
      const iterating = (context.loops[node]?.index ?? 0) > 0;
      const entered = {
        status: 'RUNNING' as const,
        visits: state.visits + 1,
        entries: state.entries + (iterating ? 0 : 1),
        attempt: 1,
      };
      if (freshNodes.get(event) === context.nodes) {
        freshNodes.delete(event); // once: a later snapshot must never see its record change
        context.nodes[node] = entered;
        return { nodes: context.nodes };
      }
      return { nodes: { ...context.nodes, [node]: entered } };
    }),
    // The decision the guards took, recorded once for the actions after it (they read `context.routing`).
    completeNode: update((args, { node }: NodeParams) => {
      const { after, decision } = takeSuccessDecision(workflow, args, node);
      freshNodes.set(args.event, after.nodes);
      return { outputs: after.outputs, nodes: after.nodes, routing: { node, decision } };
    }),
    failNode: update((args, { node }: NodeParams) => {
      const { after, decision, error } = takeFailureDecision(workflow, args, node);
      return { nodes: after.nodes, routing: { node, decision, error } };
    }),
    route: sequence(({ context, enqueue }, params: RouteActionParams) => {
      const { update: change, edges } = applied(context, routingOf(context, params.node));
      enqueue.assign(change);
      for (const edge of edges) enqueue.emit({ type: 'edge.taken', ...edge });
    }),
    cycleLimit: sequence(({ context, enqueue }, params: RouteActionParams) => {
      const routing = routingOf(context, params.node);
      const target = routedOverLimit(workflow, context, routing, params.on);
      const cause = routing.error ? `${params.node}: ${routing.error.message}` : undefined;
      const { update: change, edges } = applied(context, routing);
      const node = target ?? params.node;
      enqueue.assign({ ...change, error: cycleError(node, maxIterations(node), cause) });
      for (const edge of edges) enqueue.emit({ type: 'edge.taken', ...edge });
    }),
    conditionFailed: sequence(({ context, enqueue }, { node }: NodeParams) => {
      const message = `${node}: cannot route: ${routingOf(context, node).decision.failure}`;
      const state = context.nodes[node];
      enqueue.assign({
        nodes: { ...context.nodes, [node]: { ...state, status: 'FAILED', error: message } },
        error: { message, code: 'condition', node },
        routing: undefined,
      });
      enqueue.emit({ type: 'condition.failed', node, visit: state.visits, message });
    }),
    visitLimit: update(({ context }, { node }: NodeParams) => {
      const max = context.maxVisits ?? DEFAULT_MAX_VISITS;
      const message = `visit limit reached after ${node}: this run may make ${max} node visits in all`;
      return { error: { message, code: 'visit_limit', node }, routing: undefined };
    }),
    failRun: update(({ context }, { node }: NodeParams) => {
      const error = routingOf(context, node).error!; // failNode, which always runs first, recorded it
      return { error: { message: error.message, code: error.code, node }, routing: undefined };
    }),
    failBranch: update(({ context }, { node, fork }: BranchFailureParams) => {
      const error = routingOf(context, node).error!; // failNode, which always runs first, recorded it
      const state = context.joins[fork] ?? { arrived: 0, ended: 0 };
      const failure = { message: error.message, code: error.code, node };
      return {
        joins: { ...context.joins, [fork]: { ...state, failed: (state.failed ?? 0) + 1, failure } },
        routing: undefined,
      };
    }),
    joinLost: update(({ context }, params: JoinParams) => {
      const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
      const reachable = params.total - state.ended - (state.failed ?? 0);
      const reached = `at most ${reachable} of ${params.total} branches can reach ${params.join}; it waits for ${params.count}`;
      const failure = state.failure;
      return {
        error: {
          message: failure ? `${failure.message} (${reached})` : reached,
          code: failure?.code ?? 'join_unreachable',
          ...(failure ? { node: failure.node } : {}),
        },
      };
    }),
    joinCycleLimit: update((_, params: JoinParams) => ({
      error: cycleError(params.join ?? params.fork, maxIterations(params.join ?? '')),
    })),
    enterFork: update(({ context }, params: JoinParams) => ({
      joins: { ...context.joins, [params.fork]: { arrived: 0, ended: 0 } },
    })),
    arrive: update(({ context }, params: JoinParams) => {
      const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
      return { joins: { ...context.joins, [params.fork]: { ...state, arrived: state.arrived + 1 } } };
    }),
    endBranch: update(({ context }, params: JoinParams) => {
      const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
      return { joins: { ...context.joins, [params.fork]: { ...state, ended: state.ended + 1 } } };
    }),
    timeoutRun: update(() => ({
      error: { message: `workflow timed out after ${Math.round((workflow.timeoutMs ?? 0) / 1000)}s`, code: 'timeout' },
    })),
    cancelRun: update(() => ({ error: { message: 'run cancelled', code: 'cancelled' } })),
    limitRun: update(({ event }) =>
      event.type === LIMIT_EVENT ? { error: { message: event.error.message, code: event.error.code } } : {},
    ),
    recordDurable: update(({ context, event }) =>
      event.type === DURABLE_EVENT ? { durable: { ...context.durable, [event.node]: event.state } } : {},
    ),
  };
}
