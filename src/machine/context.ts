// The machine's context: everything a run knows, kept JSON-serializable so a persisted snapshot restores it.
import type { ExpressionScope, NodeState, Workflow } from '../osop/workflow.ts';
import type { DurableNodeState, NodeActorError, NodeActorInput } from './actor-events.ts';
import type { Decision } from './route.ts';
import type { RunServices } from './run-services.ts';

export interface NodeRunState extends NodeState {
  /** Entries that count toward `max_iterations` (a `for_each` body's later items do not). */
  entries: number;
}

/** A `for_each` loop in progress; its body is the node it is keyed by. */
export interface LoopState {
  from: string;
  edge: number;
  variable: string;
  items: unknown[];
  index: number;
}

interface JoinState {
  arrived: number;
  ended: number;
  /**
   * `wait_n` (and `wait_any`, planned as N = 1) only: branches that failed with nowhere to go, and the last such
   * failure (the run's error if N is lost).
   */
  failed?: number;
  failure?: RunError;
}

export interface RunError {
  message: string;
  code: string;
  node?: string;
}

export interface RunContext {
  runId: string;
  /** When the run started (epoch ms): the workflow timeout counts from here, across restarts. */
  startedAt?: number;
  workflowId: string;
  inputs: Record<string, unknown>;
  env: Record<string, string>;
  outputs: Record<string, Record<string, unknown>>;
  nodes: Record<string, NodeRunState>;
  loops: Record<string, LoopState>;
  /** By fork state id. */
  joins: Record<string, JoinState>;
  /** Why an edge into a node was not taken, by target node: becomes the SKIPPED reason. */
  notes: Record<string, string>;
  error?: RunError;
  /** A dry run: outputs are samples, so a condition that cannot be evaluated skips its edge instead of failing. */
  dryRun?: boolean;
  /** Node visits this run may make in all (a bound on runaway loops); see DEFAULT_MAX_VISITS. */
  maxVisits?: number;
  /** By node: what its current visit must keep across a restart (absent in snapshots of older versions). */
  durable?: Record<string, DurableNodeState>;
  /**
   * The routing decision of the transition in progress, set by completeNode/failNode for the actions
   * after them: one decision per transition, even when a condition calls now() or an event is replayed.
   */
  routing?: Routing;
}

export interface Routing {
  node: string;
  decision: Decision;
  error?: NodeActorError;
}

export interface RunInput {
  runId: string;
  startedAt?: number;
  inputs?: Record<string, unknown>;
  env?: Record<string, string>;
  dryRun?: boolean;
  maxVisits?: number;
  /** What the runner's node actors run with (not part of the context, so never persisted). */
  services?: RunServices;
}

/** Node visits a run may make in all unless told otherwise. */
export const DEFAULT_MAX_VISITS = 100_000;

/** A loop, not Object.values: a guard asks on every transition, and the record has one entry per node. */
export const visitsSoFar = (context: RunContext): number => {
  let sum = 0;
  for (const id in context.nodes) sum += context.nodes[id].visits;
  return sum;
};

export function initialContext(workflow: Workflow, input: RunInput): RunContext {
  const nodes: Record<string, NodeRunState> = {};
  for (const node of workflow.nodes) nodes[node.id] = { status: 'PENDING', visits: 0, attempt: 0, entries: 0 };
  return {
    runId: input.runId,
    ...(input.startedAt !== undefined ? { startedAt: input.startedAt } : {}),
    workflowId: workflow.id,
    inputs: input.inputs ?? {},
    env: input.env ?? {},
    outputs: {},
    nodes,
    loops: {},
    joins: {},
    notes: {},
    ...(input.dryRun ? { dryRun: true } : {}),
    ...(input.maxVisits !== undefined ? { maxVisits: input.maxVisits } : {}),
  };
}

function loopBindings(context: RunContext, node: string): Record<string, unknown> | undefined {
  const loop = context.loops[node];
  if (!loop) return undefined;
  return { [loop.variable]: loop.items[loop.index], index: loop.index };
}

/** `now`: the time `now()` returns (when the node being routed finished). */
export function expressionScope(context: RunContext, sourceNode?: string, now?: number): ExpressionScope {
  return {
    inputs: context.inputs,
    outputs: context.outputs,
    metadata: {
      run_id: context.runId,
      workflow_id: context.workflowId,
      attempt: sourceNode ? context.nodes[sourceNode]?.attempt : undefined,
    },
    env: context.env,
    loop: sourceNode ? loopBindings(context, sourceNode) : undefined,
    nodes: context.nodes,
    sourceNode,
    ...(now !== undefined ? { now } : {}),
  };
}

export function actorInput(context: RunContext, node: string): NodeActorInput {
  const loop = loopBindings(context, node);
  return {
    node,
    visit: context.nodes[node]?.visits ?? 1,
    inputs: context.inputs,
    outputs: context.outputs,
    env: context.env,
    metadata: { run_id: context.runId, workflow_id: context.workflowId },
    ...(loop ? { loop } : {}),
  };
}
