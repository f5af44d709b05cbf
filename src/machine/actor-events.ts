// The contract between the compiled machine and the actors that run nodes (the runner's, or a path walker's synthetic events).
import type { PromiseActorLogic } from 'xstate';
import type { UncertainState } from '../adapters/executor.ts';
import type { CostLimitError } from './cost-budget.ts';
import type { LimitError } from './run-limits.ts';

/** What every node actor receives as `input`. JSON only: it is part of the persisted snapshot. */
export interface NodeActorInput {
  node: string;
  /** How many times the node has been entered in this run, from 1. */
  visit: number;
  /** The invoke id when it is not the node id (a body node in a region of a parallel `for_each`). */
  actorId?: string;
  inputs: Record<string, unknown>;
  /** Every node's outputs by node id (flattened when read, in a big workflow: prefer outputOf for a few). */
  outputs: Record<string, Record<string, unknown>>;
  /** One node's outputs, where `outputs` costs to build (a big workflow keeps them in chunks). */
  outputOf?: (id: string) => Record<string, unknown> | undefined;
  env: Record<string, string>;
  metadata: { run_id: string; workflow_id: string };
  /** `${loop.<var>}` bindings while the node is a `for_each` loop body. */
  loop?: Record<string, unknown>;
}

/** What a node actor resolves with; `xstate.done.actor.<node id>` carries it as `output`. */
export interface NodeActorOutput {
  outputs: Record<string, unknown>;
  ai?: { model: string; provider: string; prompt_tokens: number; completion_tokens: number };
  /** Attempts used (retries included); default 1. */
  attempt?: number;
  durationMs?: number;
  /** When the node finished (epoch ms): `now()` in the conditions that route it, so every guard sees one time. */
  finishedAt?: number;
}

/** What a node actor rejects with; `xstate.error.actor.<node id>` carries it as `error`. */
export interface NodeActorError {
  message: string;
  code: string;
  kind: 'error' | 'timeout';
  /** The call may have taken effect: no failure edge is taken (a fallback could repeat it). */
  indeterminate?: boolean;
  /** The call took effect and the node failed after it: no failure edge is taken either (ErrorInfo.acted). */
  acted?: boolean;
  /** What the node produced before it failed (a command's stdout, an API's error body): `error` edges read them. */
  outputs?: Record<string, unknown>;
  attempt?: number;
  durationMs?: number;
  /** As NodeActorOutput.finishedAt. */
  finishedAt?: number;
}

/**
 * The logic every node state invokes (one per node type: createNodeActors, which runs the node's executor). Exported
 * so the published declarations can name the compiled machine's type (WorkflowMachine) through it.
 * @public
 */
export type NodeActorLogic = PromiseActorLogic<NodeActorOutput, NodeActorInput>;

/** The machine's actors: one NodeActorLogic per node type. */
export type NodeActors = Record<string, NodeActorLogic>;

/** A node actor as the machine's actions see it: XState's ToProvidedActor of `Record<string, NodeActorLogic>`. */
export interface ProvidedNodeActor {
  src: string;
  logic: NodeActorLogic;
  id: string | undefined;
}

/** What a node keeps in the persisted snapshot so a resumed run continues its visit (timer start, retry schedule). */
export interface DurableNodeState {
  visit: number;
  /** When the current attempt started (epoch ms): a restored node timeout counts from here. */
  startedAt?: number;
  /** The retry schedule of a call whose outcome is unknown. */
  uncertain?: UncertainState;
  /** `approval_gate`: when the gate started waiting, and whether it let the node through (not asked again on resume). */
  approval?: { since: number; passed?: true };
  /** The target of an `event` edge: when it started waiting, and the event it received (not waited for again). */
  event?: { since: number; received?: { name: string; data: unknown } };
}

/** Sent by the runner to the machine to keep a node's DurableNodeState in the context. */
export const DURABLE_EVENT = 'node.durable';

export interface DurableEvent {
  type: typeof DURABLE_EVENT;
  node: string;
  state: DurableNodeState;
}

const DONE_EVENT_PREFIX = 'xstate.done.actor.';
const ERROR_EVENT_PREFIX = 'xstate.error.actor.';

type DoneEventType = `${typeof DONE_EVENT_PREFIX}${string}`;
type ErrorEventType = `${typeof ERROR_EVENT_PREFIX}${string}`;

/** The event a node's success arrives as: `{ type: doneEventType(id), output: NodeActorOutput }`. */
export const doneEventType = (nodeId: string): DoneEventType => `${DONE_EVENT_PREFIX}${nodeId}`;

/** The event a node's failure arrives as: `{ type: errorEventType(id), error: NodeActorError }`. */
export const errorEventType = (nodeId: string): ErrorEventType => `${ERROR_EVENT_PREFIX}${nodeId}`;

export interface NodeDoneEvent {
  type: DoneEventType;
  output: NodeActorOutput;
}

/** `error` is what the actor threw: a NodeActorError from the runner's actors, anything from others (toActorError). */
export interface NodeErrorEvent {
  type: ErrorEventType;
  error: unknown;
}

/** Sent by the runner whenever the events a run keeps for later (delivered before any node waited) change. */
export const KEPT_EVENTS_EVENT = 'run.events-kept';

interface KeptEventsEvent {
  type: typeof KEPT_EVENTS_EVENT;
  events: Array<{ name: string; data: unknown }>;
}

/** Events the runner sends to the machine. */
export const CANCEL_EVENT = 'run.cancel';
/** The workflow's `timeout_sec` has passed since the run started. */
export const TIMEOUT_EVENT = 'run.timeout';
/** The run passed one of its limits (events, output bytes): `{ type: LIMIT_EVENT, error: LimitError }`. */
export const LIMIT_EVENT = 'run.limit';

/** The run's spend passed the workflow's `cost` budget: `{ type: COST_LIMIT_EVENT, error: CostLimitError }`. */
export const COST_LIMIT_EVENT = 'run.cost_limit';

/** Every event the compiled machine handles: its node actors' results and what the runner sends. */
export type MachineEvent =
  | NodeDoneEvent
  | NodeErrorEvent
  | DurableEvent
  | KeptEventsEvent
  | { type: typeof LIMIT_EVENT; error: LimitError }
  | { type: typeof COST_LIMIT_EVENT; error: CostLimitError }
  | { type: typeof CANCEL_EVENT }
  | { type: typeof TIMEOUT_EVENT };

const isOutputs = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function toActorError(error: unknown): NodeActorError {
  if (error && typeof error === 'object' && 'message' in error) {
    const value = error as {
      message: unknown;
      code?: unknown;
      kind?: unknown;
      indeterminate?: unknown;
      acted?: unknown;
      outputs?: unknown;
      attempt?: unknown;
      durationMs?: unknown;
      finishedAt?: unknown;
    };
    return {
      message: String(value.message),
      code: typeof value.code === 'string' ? value.code : 'error',
      kind: value.kind === 'timeout' ? 'timeout' : 'error',
      ...(value.indeterminate === true ? { indeterminate: true } : {}),
      ...(value.acted === true ? { acted: true } : {}),
      ...(isOutputs(value.outputs) ? { outputs: value.outputs } : {}),
      ...(typeof value.attempt === 'number' ? { attempt: value.attempt } : {}),
      ...(typeof value.durationMs === 'number' ? { durationMs: value.durationMs } : {}),
      ...(typeof value.finishedAt === 'number' ? { finishedAt: value.finishedAt } : {}),
    };
  }
  return { message: String(error), code: 'error', kind: 'error' };
}
