// Everything a user sees of a run is a RunEvent: stored, streamed over SSE, printed, turned into the .osoplog.
import type { EdgeMode } from './edge-mode.ts';

/** COST_LIMIT: the run's spend passed the workflow's `cost` budget (docs/semantics.md). */
export type RunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'TIMEOUT' | 'COST_LIMIT' | 'CANCELLED' | 'DRY_RUN';

export interface ErrorInfo {
  message: string;
  /** e.g. `card_declined`, `http_500`, `timeout`, `cycle_limit`. */
  code?: string;
  retryable?: boolean;
  status?: number;
  /** The call may have taken effect: no fallback was taken (see README "Exactly once"). */
  indeterminate?: boolean;
  /** With `indeterminate`: the call (`POST /v1/payment_intents/pi_1/confirm`) and the Idempotency-Key it carried. */
  call?: string;
  idempotencyKey?: string;
  /**
   * The node's call was carried out and answered with success, and the node failed after it (its outputs could not be
   * read or kept): like an indeterminate failure it takes no fallback, error or timeout edge, which could act again.
   */
  acted?: boolean;
}

export interface AiMetadata {
  model: string;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
}

export type RunEventBody =
  | {
      type: 'run.started';
      workflowId: string;
      workflowName: string;
      inputs: Record<string, unknown>;
      dryRun: boolean;
      /** A retry: the earlier run, the node this one starts at, and the outputs it reuses (by node). */
      retryOf?: { runId: string; node: string; reused: Record<string, Record<string, unknown>> };
    }
  | { type: 'node.started'; node: string; nodeType: string; visit: number; attempt: number }
  | {
      type: 'node.request';
      node: string;
      method: string;
      url: string;
      attempt: number;
      /** What was sent, credentials left out. */
      headers?: Record<string, string>;
      body?: unknown;
    }
  | {
      type: 'node.response';
      node: string;
      status: number;
      durationMs: number;
      replayed?: boolean;
      headers?: Record<string, string>;
      body?: unknown;
    }
  | {
      type: 'node.command';
      node: string;
      attempt: number;
      /** The program and its arguments as run (a shell command is `[shell, '-c', command, ...]`), secrets masked. */
      argv: string[];
      cwd?: string;
      /** The variables the node declared (runtime.env), secrets masked; inherited PATH/HOME/LANG are left out. */
      env?: Record<string, string>;
    }
  /** `attempt` is the one about to start after `delayMs` (2 when the first failed with `error`). */
  | { type: 'node.retrying'; node: string; attempt: number; delayMs: number; error: ErrorInfo }
  | {
      type: 'node.completed';
      node: string;
      visit: number;
      durationMs: number;
      outputs: Record<string, unknown>;
      ai?: AiMetadata;
      /** Dry run only: output fields (dotted paths) the dry run made up, not given by x-sample or x-test-cases. */
      synthesized?: string[];
    }
  | {
      type: 'node.failed';
      node: string;
      visit: number;
      durationMs: number;
      error: ErrorInfo;
      /** What a visit that failed after its call still spent (one over its cost budget). */
      ai?: AiMetadata;
      /** What the node produced before it failed (a command's stdout, an API's error body), masked. */
      outputs?: Record<string, unknown>;
    }
  | { type: 'node.skipped'; node: string; reason?: string }
  | { type: 'edge.taken'; from: string; to: string; mode: EdgeMode; condition?: string }
  | { type: 'agent.delta'; node: string; text: string }
  | {
      type: 'human.waiting';
      node: string;
      prompt?: string;
      /** The rest of the node's resolved runtime (what the approver is shown besides the prompt), secrets masked. */
      details?: Record<string, unknown>;
    }
  | {
      type: 'event.waiting';
      node: string;
      /** The events any one of which lets the node run (one per `event` edge into it). */
      names: string[];
      /** How long it waits before it fails with kind `timeout`; absent: until an event comes. */
      timeoutMs?: number;
    }
  | {
      type: 'event.received';
      node: string;
      name: string;
      /** The event's data as delivered (secrets masked); the node reads it as `${event.data...}`. */
      data: unknown;
      /** A dry run (or path test) does not wait: the event is taken as given with `--event`, or with null data. */
      simulated?: boolean;
    }
  | {
      type: 'event.kept';
      /** An event delivered while no node waits for it (or none accepts it): kept for the first one that will. */
      name: string;
      data: unknown;
    }
  | { type: 'run.completed'; status: 'COMPLETED' | 'DRY_RUN'; durationMs: number; osoplog?: string }
  | {
      type: 'run.failed';
      status: 'FAILED' | 'TIMEOUT' | 'COST_LIMIT' | 'CANCELLED';
      durationMs: number;
      error: ErrorInfo;
      osoplog?: string;
    };

export type RunEventType = RunEventBody['type'];

/** Each type once: the Record makes the compiler refuse a list that misses a type of RunEventBody or names another. */
const EVENT_TYPES: Record<RunEventType, true> = {
  'run.started': true,
  'node.started': true,
  'node.request': true,
  'node.response': true,
  'node.command': true,
  'node.retrying': true,
  'node.completed': true,
  'node.failed': true,
  'node.skipped': true,
  'edge.taken': true,
  'agent.delta': true,
  'human.waiting': true,
  'event.waiting': true,
  'event.received': true,
  'event.kept': true,
  'run.completed': true,
  'run.failed': true,
};

/** Every RunEvent type, e.g. for the SSE `event:` names a client listens to. */
// Object.keys is typed string[]; the keys of a Record<RunEventType, true> literal are exactly the RunEventTypes.
export const RUN_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly RunEventType[];

export type RunEvent = RunEventBody & {
  runId: string;
  /** Gapless per run, starting at 1. */
  seq: number;
  /** ISO-8601 time. */
  at: string;
};

export const isFinalEvent = (event: RunEvent): boolean => event.type === 'run.completed' || event.type === 'run.failed';
