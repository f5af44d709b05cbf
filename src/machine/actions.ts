// Named actions of the compiled machine: context bookkeeping and `edge.taken` emission; no I/O.
import { assign, enqueueActions, type ParameterizedObject } from 'xstate';
import type { Workflow } from '../osop/workflow.ts';
import { DEFAULT_MAX_VISITS, type RunContext, type RunError, type Routing } from './context.ts';
import {
  limitHit,
  routedOverLimit,
  takeFailureDecision,
  takeSuccessDecision,
  type BranchFailureParams,
  type ItemLoopParams,
  type JoinParams,
  type SpawnedParams,
  type MachineArgs,
  type NodeParams,
} from './guards.ts';
import { CONDITION_FAILED, decideAfterLoop, type TakenEdge } from './route.ts';
import { DURABLE_EVENT, LIMIT_EVENT, type MachineEvent, type ProvidedNodeActor } from './actor-events.ts';
import { workflowIndex } from './workflow-index.ts';
import { nodeStateOf, visitsSoFar, withNodeState, type PerNode } from './per-node.ts';
import { COST_LIMIT_EVENT } from './actor-events.ts';

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

export interface ClaimParams extends ItemLoopParams {
  region: string;
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
  { decision, region }: Routing,
): { update: Partial<RunContext>; edges: TakenEdge[] } {
  const loops = { ...context.loops };
  const ended = decision.itemEnded;
  let records: PerNode | undefined;
  const regions = ended ? loops[ended.loop]?.regions : undefined;
  if (ended && regions && region !== undefined) {
    // The region's item ended: it forgets it and claims the next (claimItem).
    const { [region]: _done, ...rest } = regions;
    loops[ended.loop] = { ...loops[ended.loop], regions: rest };
  } else if (ended?.next) {
    loops[ended.loop] = { ...loops[ended.loop], index: loops[ended.loop].index + 1 };
    // `max_iterations` bounds a body node's entries within one item: each item starts counting afresh.
    records = context;
    for (const body of loops[ended.loop].nodes ?? [ended.loop])
      records = withNodeState(records, body, { ...nodeStateOf(records, body)!, entries: 0 });
  } else if (ended) delete loops[ended.loop];
  if (decision.startLoop) loops[decision.startLoop.body] = decision.startLoop.loop;
  return {
    update: { loops, notes: { ...context.notes, ...decision.notes }, routing: undefined, ...records },
    edges: decision.taken,
  };
}

/** The per-node records of a context, for an update (flat: nodes and outputs; chunked: chunks). */
const recordsOf = ({ nodes, outputs, chunks }: RunContext): PerNode => (chunks ? { chunks } : { nodes, outputs });

const cycleError = (node: string, max: number, cause?: string): RunError => ({
  message: `cycle limit reached at ${node} (max_iterations ${max})${cause ? `; last error: ${cause}` : ''}`,
  code: 'cycle_limit',
  node,
});

/** The loops with `node`'s entry counted in the item `region` runs. */
function withItemEntry(context: RunContext, node: string, region: string): RunContext['loops'] {
  for (const [key, loop] of Object.entries(context.loops)) {
    const item = loop.regions?.[region];
    if (!item) continue;
    const entries = { ...item.entries, [node]: (item.entries[node] ?? 0) + 1 };
    return { ...context.loops, [key]: { ...loop, regions: { ...loop.regions, [region]: { ...item, entries } } } };
  }
  return context.loops;
}

export function createActions(workflow: Workflow) {
  const { nodes } = workflowIndex(workflow);
  const maxIterations = (node: string) => nodes.get(node)?.maxIterations ?? 3;
  return {
    enterNode: update(({ context }, { node, region }: NodeParams) => {
      const state = nodeStateOf(context, node)!;
      return {
        ...(region !== undefined ? { loops: withItemEntry(context, node, region) } : {}),
        ...withNodeState(context, node, {
          status: 'RUNNING' as const,
          visits: state.visits + 1,
          entries: state.entries + 1,
          attempt: 1,
        }),
        visited: visitsSoFar(context) + 1,
      };
    }),
    // The decision the guards took, recorded once for the actions after it (they read `context.routing`).
    completeNode: update((args, { node, region }: NodeParams) => {
      const { after, decision } = takeSuccessDecision(workflow, args, node, region);
      const inRegion = region !== undefined ? { region } : {};
      return {
        ...recordsOf(after),
        loops: after.loops,
        routing: { node, decision, ...inRegion },
      };
    }),
    failNode: update((args, { node, region }: NodeParams) => {
      const { after, decision, error } = takeFailureDecision(workflow, args, node, region);
      return {
        ...recordsOf(after),
        routing: { node, decision, error, ...(region !== undefined ? { region } : {}) },
      };
    }),
    // A region of a parallel for_each takes the next item: events are processed one at a time, so no two take one.
    claimItem: sequence(({ context, enqueue }, params: ClaimParams) => {
      const loop = context.loops[params.loop];
      const index = loop.next ?? 0;
      const regions = { ...loop.regions, [params.region]: { index, outputs: {}, entries: {} } };
      enqueue.assign({ loops: { ...context.loops, [params.loop]: { ...loop, next: index + 1, regions } } });
      // The source's own transition took the edge for the first item.
      if (index > 0) enqueue.emit({ type: 'edge.taken', from: params.from, to: params.loop, mode: 'loop' });
    }),
    // Every item of a parallel for_each ended: the run goes on from the source, as if its loop edge were not there.
    afterLoop: sequence(({ context, enqueue }, params: ItemLoopParams) => {
      const decision = decideAfterLoop(workflow, context, params.from, params.edge);
      const { [params.loop]: _done, ...loops } = context.loops;
      const notes = { ...context.notes, ...decision.notes };
      if (decision.key === CONDITION_FAILED) {
        const message = `${params.from}: cannot route after its for_each: ${decision.failure}`;
        const visit = nodeStateOf(context, params.from)?.visits ?? 1;
        enqueue.assign({ loops, notes, error: { message, code: 'condition', node: params.from } });
        enqueue.emit({ type: 'condition.failed', node: params.from, visit, message });
        return;
      }
      enqueue.assign({ loops, notes });
      for (const edge of decision.taken) enqueue.emit({ type: 'edge.taken', ...edge });
    }),
    route: sequence(({ context, enqueue }, params: RouteActionParams) => {
      const { update: change, edges } = applied(context, routingOf(context, params.node));
      enqueue.assign(change);
      for (const edge of edges) enqueue.emit({ type: 'edge.taken', ...edge });
    }),
    // What successStopped/failureStopped found: the visit limit (nothing routed), else the cycle limit (its edges taken).
    stopAtLimit: sequence(({ context, enqueue }, params: RouteActionParams) => {
      const routing = routingOf(context, params.node);
      if (limitHit(workflow, context, routing, params.on) === 'visit') {
        const max = context.maxVisits ?? DEFAULT_MAX_VISITS;
        const message = `visit limit reached after ${params.node}: this run may make ${max} node visits in all`;
        enqueue.assign({ error: { message, code: 'visit_limit', node: params.node }, routing: undefined });
        return;
      }
      const target = routedOverLimit(workflow, context, routing, params.on);
      const cause = routing.error ? `${params.node}: ${routing.error.message}` : undefined;
      const { update: change, edges } = applied(context, routing);
      const node = target ?? params.node;
      enqueue.assign({ ...change, error: cycleError(node, maxIterations(node), cause) });
      for (const edge of edges) enqueue.emit({ type: 'edge.taken', ...edge });
    }),
    conditionFailed: sequence(({ context, enqueue }, { node }: NodeParams) => {
      const message = `${node}: cannot route: ${routingOf(context, node).decision.failure}`;
      const state = nodeStateOf(context, node)!;
      enqueue.assign({
        ...withNodeState(context, node, { ...state, status: 'FAILED', error: message }),
        error: { message, code: 'condition', node },
        routing: undefined,
      });
      enqueue.emit({ type: 'condition.failed', node, visit: state.visits, message });
    }),
    failRun: update(({ context }, { node }: NodeParams) => {
      const error = routingOf(context, node).error!; // failNode, which always runs first, recorded it
      const acted = error.acted ? { acted: true } : {};
      return { error: { message: error.message, code: error.code, node, ...acted }, routing: undefined };
    }),
    // A spawned branch's failure with nowhere to go: the node is FAILED, the branch ends, nothing else changes.
    endSpawnedBranch: update(() => ({ routing: undefined })),
    // Nodes of spawned branches the fork leaves behind: whatever they were doing, why they are SKIPPED.
    leaveSpawned: update(({ context }, { source, nodes }: SpawnedParams) => {
      const why = `spawned by ${source}; stopped when the branches the run waits for went on without it`;
      const left = nodes.filter((node) => {
        const status = nodeStateOf(context, node)?.status;
        return status === 'PENDING' || status === 'RUNNING';
      });
      return left.length === 0
        ? {}
        : { stopped: { ...context.stopped, ...Object.fromEntries(left.map((node) => [node, why])) } };
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
    costLimitRun: update(({ event }) =>
      event.type === COST_LIMIT_EVENT ? { error: { message: event.error.message, code: event.error.code } } : {},
    ),
    limitRun: update(({ event }) =>
      event.type === LIMIT_EVENT ? { error: { message: event.error.message, code: event.error.code } } : {},
    ),
    // KEPT_EVENTS_EVENT is the only machine event that carries `events`.
    recordKeptEvents: update(({ event }) => ('events' in event ? { keptEvents: event.events } : {})),
    recordDurable: update(({ context, event }) =>
      event.type === DURABLE_EVENT ? { durable: { ...context.durable, [event.node]: event.state } } : {},
    ),
  };
}
