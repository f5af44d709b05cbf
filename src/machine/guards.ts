// Named guards of the compiled machine: each re-derives the routing decision from context + event, so they stay pure.
import type { Workflow } from '../osop/workflow.ts';
import { toActorError, type NodeActorError, type NodeActorOutput } from './actor-events.ts';
import type { RunContext } from './context.ts';
import { type Decision, decideFailure, decideSuccess, failureOutcomes, LOOP_NEXT, outcomeTargets, overLimit, successOutcomes, withFailure, withSuccess } from './route.ts';

export interface MachineEvent {
  type: string;
  output?: NodeActorOutput;
  error?: unknown;
}

export interface NodeParams {
  node: string;
}

export interface RouteParams extends NodeParams {
  key: string;
}

export interface JoinParams {
  fork: string;
  join?: string;
  total: number;
  mode: 'wait_all' | 'wait_any' | 'wait_n';
  count: number;
}

interface GuardArgs {
  context: RunContext;
  event: MachineEvent;
}

const emptyOutput: NodeActorOutput = { outputs: {} };

type SuccessDecision = { after: RunContext; decision: Decision };
type FailureDecision = SuccessDecision & { error: NodeActorError };

// One decision per event: the guards and the actions of a transition must agree even when a condition calls now().
const successMemo = new WeakMap<MachineEvent, SuccessDecision>();
const failureMemo = new WeakMap<MachineEvent, FailureDecision>();

export function successDecision(workflow: Workflow, { context, event }: GuardArgs, node: string): SuccessDecision {
  const known = successMemo.get(event);
  if (known) return known;
  const after = withSuccess(context, node, event.output ?? emptyOutput);
  const result = { after, decision: decideSuccess(workflow, after, node) };
  successMemo.set(event, result);
  return result;
}

export function failureDecision(workflow: Workflow, { context, event }: GuardArgs, node: string): FailureDecision {
  const known = failureMemo.get(event);
  if (known) return known;
  const error = toActorError(event.error);
  const after = withFailure(context, node, error);
  const result = { after, error, decision: decideFailure(workflow, after, node, error) };
  failureMemo.set(event, result);
  return result;
}

/** The node a success would enter past its `max_iterations`, if any. */
export function successOverLimit(workflow: Workflow, args: GuardArgs, node: string): string | undefined {
  const { after, decision } = successDecision(workflow, args, node);
  if (decision.key === LOOP_NEXT) return undefined;
  return overLimit(workflow, after, outcomeTargets(successOutcomes(workflow, node), decision.key));
}

export function failureOverLimit(workflow: Workflow, args: GuardArgs, node: string): string | undefined {
  const { after, decision } = failureDecision(workflow, args, node);
  return overLimit(workflow, after, outcomeTargets(failureOutcomes(workflow, node), decision.key));
}

export function joinReady(context: RunContext, params: JoinParams): boolean {
  const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
  if (!params.join || state.arrived === 0) return false;
  const settled = state.arrived + state.ended === params.total;
  if (params.mode === 'wait_any') return true;
  if (params.mode === 'wait_n') return state.arrived >= params.count || settled;
  return settled;
}

export function joinDead(context: RunContext, params: JoinParams): boolean {
  const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
  return state.arrived === 0 && state.ended === params.total;
}

export function createGuards(workflow: Workflow) {
  return {
    successRoute: (args: GuardArgs, params: RouteParams) => successDecision(workflow, args, params.node).decision.key === params.key,
    successCycle: (args: GuardArgs, params: NodeParams) => successOverLimit(workflow, args, params.node) !== undefined,
    failureRoute: (args: GuardArgs, params: RouteParams) => failureDecision(workflow, args, params.node).decision.key === params.key,
    failureCycle: (args: GuardArgs, params: NodeParams) => failureOverLimit(workflow, args, params.node) !== undefined,
    joinReady: ({ context }: GuardArgs, params: JoinParams) => joinReady(context, params),
    joinCycle: ({ context }: GuardArgs, params: JoinParams) => joinReady(context, params) && overLimit(workflow, context, [params.join!]) !== undefined,
    joinDead: ({ context }: GuardArgs, params: JoinParams) => joinDead(context, params),
  };
}
