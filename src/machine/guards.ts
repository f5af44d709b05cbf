// Named guards of the compiled machine: each re-derives the routing decision from context + event, so they stay pure.
import type { Workflow } from '../osop/workflow.ts';
import { toActorError, type NodeActorError, type NodeActorOutput } from './actor-events.ts';
import { DEFAULT_MAX_VISITS, visitsSoFar, type RunContext, type Routing } from './context.ts';
import {
  CONDITION_FAILED,
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
type Memo<T extends SuccessDecision> = WeakMap<MachineEvent, { before: RunContext; result: T }>;

// One decision per event and snapshot: the guards of a transition and completeNode/failNode must agree even
// when a condition calls now(). The actions after those read the decision from `context.routing`.
const successMemo: Memo<SuccessDecision> = new WeakMap();
const failureMemo: Memo<FailureDecision> = new WeakMap();

function remembered<T extends SuccessDecision>(
  memo: Memo<T>,
  event: MachineEvent,
  context: RunContext,
  decide: () => T,
): T {
  const known = memo.get(event);
  if (known && known.before === context) return known.result;
  const result = decide();
  memo.set(event, { before: context, result });
  return result;
}

export function successDecision(workflow: Workflow, { context, event }: GuardArgs, node: string): SuccessDecision {
  return remembered(successMemo, event, context, () => {
    const after = withSuccess(context, node, event.output ?? emptyOutput);
    return { after, decision: decideSuccess(workflow, after, node) };
  });
}

export function failureDecision(workflow: Workflow, { context, event }: GuardArgs, node: string): FailureDecision {
  return remembered(failureMemo, event, context, () => {
    const error = toActorError(event.error);
    const after = withFailure(context, node, error);
    return { after, error, decision: decideFailure(workflow, after, node, error) };
  });
}

/** The node a routed decision would enter past its `max_iterations`, if any; `context` holds the node's new record. */
export function routedOverLimit(
  workflow: Workflow,
  context: RunContext,
  routing: Routing,
  on: 'success' | 'failure',
): string | undefined {
  if (on === 'success' && routing.decision.key === LOOP_NEXT) return undefined;
  const outcomes = on === 'success' ? successOutcomes(workflow, routing.node) : failureOutcomes(workflow, routing.node);
  return overLimit(workflow, context, outcomeTargets(outcomes, routing.decision.key));
}

function successOverLimit(workflow: Workflow, args: GuardArgs, node: string): string | undefined {
  const { after, decision } = successDecision(workflow, args, node);
  return routedOverLimit(workflow, after, { node, decision }, 'success');
}

function failureOverLimit(workflow: Workflow, args: GuardArgs, node: string): string | undefined {
  const { after, decision } = failureDecision(workflow, args, node);
  return routedOverLimit(workflow, after, { node, decision }, 'failure');
}

function joinReady(context: RunContext, params: JoinParams): boolean {
  const state = context.joins[params.fork] ?? { arrived: 0, ended: 0 };
  if (!params.join || state.arrived === 0) return false;
  const settled = state.arrived + state.ended === params.total;
  if (params.mode === 'wait_any') return true;
  if (params.mode === 'wait_n') return state.arrived >= params.count || settled;
  return settled;
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
    successVisitLimit: (args: GuardArgs, params: NodeParams) =>
      overVisitLimit(args.context, successDecision(workflow, args, params.node).decision),
    failureVisitLimit: (args: GuardArgs, params: NodeParams) =>
      overVisitLimit(args.context, failureDecision(workflow, args, params.node).decision),
    successRoute: (args: GuardArgs, params: RouteParams) =>
      successDecision(workflow, args, params.node).decision.key === params.key,
    successCycle: (args: GuardArgs, params: NodeParams) => successOverLimit(workflow, args, params.node) !== undefined,
    failureRoute: (args: GuardArgs, params: RouteParams) =>
      failureDecision(workflow, args, params.node).decision.key === params.key,
    failureCycle: (args: GuardArgs, params: NodeParams) => failureOverLimit(workflow, args, params.node) !== undefined,
    joinReady: ({ context }: GuardArgs, params: JoinParams) => joinReady(context, params),
    joinCycle: ({ context }: GuardArgs, params: JoinParams) =>
      joinReady(context, params) && overLimit(workflow, context, [params.join!]) !== undefined,
    joinDead: ({ context }: GuardArgs, params: JoinParams) => joinDead(context, params),
  };
}
