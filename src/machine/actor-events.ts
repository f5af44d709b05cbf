// The contract between the compiled machine and the actors that run nodes (the runner's, or a path walker's synthetic events).

/** What every node actor receives as `input`. JSON only: it is part of the persisted snapshot. */
export interface NodeActorInput {
  node: string;
  /** How many times the node has been entered in this run, from 1. */
  visit: number;
  inputs: Record<string, unknown>;
  outputs: Record<string, Record<string, unknown>>;
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
}

/** What a node actor rejects with; `xstate.error.actor.<node id>` carries it as `error`. */
export interface NodeActorError {
  message: string;
  code: string;
  kind: 'error' | 'timeout';
  attempt?: number;
  durationMs?: number;
}

export const DONE_EVENT_PREFIX = 'xstate.done.actor.';
export const ERROR_EVENT_PREFIX = 'xstate.error.actor.';

/** The event a node's success arrives as: `{ type: doneEventType(id), output: NodeActorOutput }`. */
export const doneEventType = (nodeId: string): string => `${DONE_EVENT_PREFIX}${nodeId}`;

/** The event a node's failure arrives as: `{ type: errorEventType(id), error: NodeActorError }`. */
export const errorEventType = (nodeId: string): string => `${ERROR_EVENT_PREFIX}${nodeId}`;

/** Events the runner sends to the machine. */
export const CANCEL_EVENT = 'run.cancel';

export function toActorError(error: unknown): NodeActorError {
  if (error && typeof error === 'object' && 'message' in error) {
    const value = error as { message: unknown; code?: unknown; kind?: unknown; attempt?: unknown; durationMs?: unknown };
    return {
      message: String(value.message),
      code: typeof value.code === 'string' ? value.code : 'error',
      kind: value.kind === 'timeout' ? 'timeout' : 'error',
      ...(typeof value.attempt === 'number' ? { attempt: value.attempt } : {}),
      ...(typeof value.durationMs === 'number' ? { durationMs: value.durationMs } : {}),
    };
  }
  return { message: String(error), code: 'error', kind: 'error' };
}
