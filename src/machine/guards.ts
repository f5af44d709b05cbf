// Named guards of the compiled machine. Each derives the routing decision from context and event alone (`now()` in a
// condition reads the time the node finished, carried by the event), so the guards of a transition and the
// completeNode/failNode actions that record it in `context.routing` reach the same decision without sharing state.
import type { Workflow } from '../osop/workflow.ts';
import { toActorError, type MachineEvent, type NodeActorError, type NodeActorOutput } from './actor-events.ts';
import { DEFAULT_MAX_VISITS, type RunContext, type Routing } from './context.ts';
import { outputsOf, visitsSoFar } from './per-node.ts';
import type { ForkPlan } from './plan.ts';
import {
  CONDITION_FAILED,
  decideAfterLoop,
  END,
  FAIL,
  type Decision,
  decideFailure,
  decideSuccess,
  failureOutcomes,
  LOOP_NEXT,
  outcomeTargets,
  overLimit,
  successOutcomes,
  withFailure,
  withSuccess,
} from './route.ts';

export interface NodeParams {
  node: string;
  /** The region of a parallel `for_each` this copy of a body node runs in (docs/semantics.md "for_each"). */
  region?: string;
}

/** A parallel `for_each` loop state: its loop (keyed by the body's entry), its source and loop edge. */
export interface ItemLoopParams {
  loop: string;
  from: string;
  edge: number;
}

export interface AfterLoopParams extends ItemLoopParams {
  key: string;
}

export interface RouteParams extends NodeParams {
  key: string;
}

/** A failure with nowhere to go inside a branch of a `wait_n` (or `wait_any`) fork: it ends the branch, not the run. */
export interface BranchFailureParams extends NodeParams {
  fork: string;
}

export interface JoinParams {
  fork: string;
  join?: string;
  total: number;
  mode: ForkPlan['joinMode'];
  count: number;
}

/** A fork going on without its spawned branches: their nodes, and the node that spawned them. */
export interface SpawnedParams {
  source: string;
  nodes: string[];
}

/** What XState gives a guard or an action of the compiled machine. */
export interface MachineArgs {
  context: RunContext;
  event: MachineEvent;
}

const emptyOutput: NodeActorOutput = { outputs: {} };

interface SuccessDecision {
  /** The context with the node's result recorded, as the decision saw it. */
  after: RunContext;
  decision: Decision;
}

interface FailureDecision extends SuccessDecision {
  error: NodeActorError;
}

/** In a region of a parallel `for_each`, the node's outputs are also its item's own (what later body nodes see). */
function withItemOutput(context: RunContext, node: string, region: string | undefined): RunContext {
  if (region === undefined) return context;
  for (const [key, loop] of Object.entries(context.loops)) {
    const item = loop.regions?.[region];
    if (!item) continue;
    const outputs = { ...item.outputs, [node]: outputsOf(context, node) ?? {} };
    const regions = { ...loop.regions, [region]: { ...item, outputs } };
    return { ...context, loops: { ...context.loops, [key]: { ...loop, regions } } };
  }
  return context;
}

/**
 * One decision per transition: every guard of a node's done/error transition and the completeNode/failNode action
 * after them ask with the same context and event objects, and each answer copies the node's records (per-node.ts),
 * which asking again would repeat. Keyed by the event, checked against the
 * context, workflow, node and region; `take` (the action that records the decision) forgets it, so a replay decides
 * afresh.
 */
function decidedOnce<T>(decide: (workflow: Workflow, args: MachineArgs, node: string, region?: string) => T) {
  type Known = { workflow: Workflow; context: RunContext; node: string; region?: string; result: T };
  const byEvent = new WeakMap<object, Known>();
  const ask = (workflow: Workflow, args: MachineArgs, node: string, region?: string): T => {
    const known = byEvent.get(args.event);
    if (
      known &&
      known.context === args.context &&
      known.workflow === workflow &&
      known.node === node &&
      known.region === region
    )
      return known.result;
    const result = decide(workflow, args, node, region);
    byEvent.set(args.event, { workflow, context: args.context, node, region, result });
    return result;
  };
  const take = (workflow: Workflow, args: MachineArgs, node: string, region?: string): T => {
    const result = ask(workflow, args, node, region);
    byEvent.delete(args.event);
    return result;
  };
  return { ask, take };
}

const success = decidedOnce((workflow, { context, event }, node, region): SuccessDecision => {
  const output = 'output' in event ? event.output : emptyOutput;
  const after = withItemOutput(withSuccess(context, node, output), node, region);
  return { after, decision: decideSuccess(workflow, after, node, output.finishedAt, region) };
});

const failure = decidedOnce((workflow, { context, event }, node, region): FailureDecision => {
  const error = toActorError('error' in event ? event.error : undefined);
  const after = withFailure(context, node, error);
  return { after, error, decision: decideFailure(workflow, after, node, error, error.finishedAt, region) };
});

/** Where `node`'s success (the done event) leads. */
const successDecision = success.ask;
/** The same, for the action that records it: its `after` is the transition's own, nobody else's. */
export const takeSuccessDecision = success.take;
/** Where `node`'s failure (the error event) leads. */
const failureDecision = failure.ask;
export const takeFailureDecision = failure.take;

/** The node a routed decision would enter past its `max_iterations`, if any; `context` holds the node's new record. */
export function routedOverLimit(
  workflow: Workflow,
  context: RunContext,
  routing: Routing,
  on: 'success' | 'failure',
): string | undefined {
  if (routing.decision.key === LOOP_NEXT) return undefined;
  const outcomes = on === 'success' ? successOutcomes(workflow, routing.node) : failureOutcomes(workflow, routing.node);
  return overLimit(workflow, context, outcomeTargets(outcomes, routing.decision.key), routing.region);
}

const regionOf = (region: string | undefined) => (region !== undefined ? { region } : {});

/** Which limit stops a node's transition: the run's visits, or the `max_iterations` of the node it would enter. */
export type LimitHit = 'visit' | 'cycle';

/**
 * The limit `routing` (recorded in `context`, which holds the node's new record) runs into, if any: the visit limit
 * first, as it applies to the whole run.
 */
export function limitHit(
  workflow: Workflow,
  context: RunContext,
  routing: Routing,
  on: 'success' | 'failure',
): LimitHit | undefined {
  if (overVisitLimit(context, routing.decision)) return 'visit';
  return routedOverLimit(workflow, context, routing, on) !== undefined ? 'cycle' : undefined;
}

function successStopped(workflow: Workflow, args: MachineArgs, { node, region }: NodeParams): boolean {
  const { after, decision } = successDecision(workflow, args, node, region);
  return limitHit(workflow, after, { node, decision, ...regionOf(region) }, 'success') !== undefined;
}

function failureStopped(workflow: Workflow, args: MachineArgs, { node, region }: NodeParams): boolean {
  const { after, decision } = failureDecision(workflow, args, node, region);
  return limitHit(workflow, after, { node, decision, ...regionOf(region) }, 'failure') !== undefined;
}

/** A region of a parallel `for_each` may claim another item. */
function itemLeft(context: RunContext, params: ItemLoopParams): boolean {
  const loop = context.loops[params.loop];
  return loop?.edge === params.edge && (loop.next ?? 0) < loop.items.length;
}

function joinReady(context: RunContext, params: JoinParams): boolean {
  const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
  if (!params.join || state.arrived === 0) return false;
  const settled = state.arrived + state.ended === params.total;
  if (params.mode === 'wait_n') return state.arrived >= params.count || settled;
  return settled;
}

/** `wait_n` (`wait_any` is N = 1): a branch failed, and the branches arrived or still running cannot make `count`. */
function joinLost(context: RunContext, params: JoinParams): boolean {
  const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
  const failed = state.failed ?? 0;
  const running = params.total - state.arrived - state.ended - failed;
  return (
    params.mode === 'wait_n' && failed > 0 && state.arrived < params.count && state.arrived + running < params.count
  );
}

function joinDead(context: RunContext, params: JoinParams): boolean {
  const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
  return state.arrived === 0 && state.ended === params.total;
}

/** Whether the run has used up its visits and the decision would enter another node. */
function overVisitLimit(context: RunContext, decision: Decision): boolean {
  if (decision.key === END || decision.key === FAIL || decision.key === CONDITION_FAILED) return false;
  return visitsSoFar(context) >= (context.maxVisits ?? DEFAULT_MAX_VISITS);
}

export function createGuards(workflow: Workflow) {
  return {
    // One guard per event for both limits (the visit limit and the cycle limit): a third fewer transitions to compile.
    successStopped: (args: MachineArgs, params: NodeParams) => successStopped(workflow, args, params),
    failureStopped: (args: MachineArgs, params: NodeParams) => failureStopped(workflow, args, params),
    successRoute: (args: MachineArgs, params: RouteParams) =>
      successDecision(workflow, args, params.node, params.region).decision.key === params.key,
    failureRoute: (args: MachineArgs, params: RouteParams) =>
      failureDecision(workflow, args, params.node, params.region).decision.key === params.key,
    itemLeft: ({ context }: MachineArgs, params: ItemLoopParams) => itemLeft(context, params),
    afterLoopRoute: ({ context }: MachineArgs, params: AfterLoopParams) =>
      decideAfterLoop(workflow, context, params.from, params.edge).key === params.key,
    joinReady: ({ context }: MachineArgs, params: JoinParams) => joinReady(context, params),
    joinCycle: ({ context }: MachineArgs, params: JoinParams) =>
      joinReady(context, params) && overLimit(workflow, context, [params.join!]) !== undefined,
    joinDead: ({ context }: MachineArgs, params: JoinParams) => joinDead(context, params),
    joinLost: ({ context }: MachineArgs, params: JoinParams) => joinLost(context, params),
  };
}
