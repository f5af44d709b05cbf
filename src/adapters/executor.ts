// One small interface behind every node type: input in, outputs or a typed NodeError out.
import type { WorkflowNode } from '../osop/workflow.ts';
import type { AiMetadata, ErrorInfo, RunEventBody } from '../events/run-event.ts';

export interface NodeExecution {
  node: WorkflowNode;
  /** The node's runtime block with every `${...}` resolved (secrets included: never emit it). */
  runtime: Record<string, unknown>;
  runId: string;
  /** How many times this node has been entered in this run, from 1. */
  visit: number;
  /** Attempt within this visit, from 1. */
  attempt: number;
  /** `<run id>:<node id>:<visit>` (see idempotency-key.ts): the same for every retry and resume of one visit. */
  idempotencyKey: string;
  /** Workflow inputs and completed nodes' outputs, secrets excluded (agent default content). */
  context: { inputs: Record<string, unknown>; outputs: Record<string, Record<string, unknown>> };
  signal: AbortSignal;
  /** Streams an event (agent.delta, node.request, human.waiting...). The runner adds runId/seq/at and redacts. */
  emit(event: RunEventBody): void;
  /** When this attempt started (epoch ms), kept across a restart: a node timeout runs to startedAt + timeout. */
  startedAt?: number;
  /** An earlier attempt of this visit may have taken effect: read the object's state before sending again. */
  reconcile?: boolean;
  /** The retry schedule of an uncertain outcome, kept in the run's persisted snapshot so a resumed run continues it. */
  uncertain?: UncertainRetries;
  /**
   * Resolves once the events emitted so far (this request's node.request) are stored, where the run is durable.
   * Awaited before a request that may move money, so a restarted run knows it may have been sent.
   */
  untilStored?: () => Promise<void>;
}

/** How long a call whose outcome is unknown has been retried with the same key. */
export interface UncertainState {
  /** When the first indeterminate failure of this visit happened (epoch ms). */
  since: number;
  /** Attempts made so far in this visit. */
  attempts: number;
}

interface UncertainRetries {
  /** The state a previous process recorded for this visit, if any. */
  restored?: UncertainState;
  /** Records the state durably (the runner's snapshot). */
  record(state: UncertainState): void;
  /** Give up and report "outcome unknown" once this long has passed since the first indeterminate failure. */
  windowMs: number;
}

export interface NodeResult {
  outputs: Record<string, unknown>;
  ai?: AiMetadata;
  /** Dry run: the output fields (dotted paths) that were made up rather than given by the author or a service. */
  synthesized?: string[];
}

export type Executor = (execution: NodeExecution) => Promise<NodeResult>;

/** Executors by node type (`api`, `agent`, `cli`, `human`, ...). */
export type ExecutorRegistry = Record<string, Executor>;

export type NodeErrorKind = 'error' | 'timeout';

export interface NodeErrorOptions {
  code: string;
  retryable?: boolean;
  /** The request may have taken effect (5xx, timeout, connection lost after sending): see `NodeError.indeterminate`. */
  indeterminate?: boolean;
  /** `POST /v1/payment_intents/pi_1/confirm`: the call an indeterminate failure is about. */
  call?: string;
  /** The Idempotency-Key the request carried: repeating it cannot repeat the effect. */
  idempotencyKey?: string;
  /**
   * The answer is the one the server keeps for this Idempotency-Key (a replay, or a card decline Stripe stores), so it
   * tells what the key's single execution did, including that of an earlier attempt whose answer was lost.
   */
  outcomeOfKey?: boolean;
  /** The call took effect and the node failed after it: see `NodeError.acted`. */
  acted?: boolean;
  kind?: NodeErrorKind;
  status?: number;
  retryAfterMs?: number;
  /** What the node produced before it failed (a command's stdout, an API's error body), masked like success outputs. */
  outputs?: Record<string, unknown>;
  cause?: unknown;
}

export class NodeError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly kind: NodeErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /**
   * Definite failures (a 4xx with a code, a card decline, a non-zero exit) say the effect did not happen and may
   * take fallback/error edges; an indeterminate one may have taken effect, so it never does.
   */
  readonly indeterminate: boolean;
  readonly call?: string;
  readonly idempotencyKey?: string;
  readonly outcomeOfKey: boolean;
  /**
   * The call was carried out and answered with success; what failed came after it (an output mapping the answer does
   * not fit, outputs too large to keep). Not retried, and, like an indeterminate failure, it takes no failure edge.
   */
  readonly acted: boolean;
  /** The failed node's outputs, which `error` edges' conditions read (docs/semantics.md "Edges and control flow"). */
  readonly outputs?: Record<string, unknown>;

  constructor(message: string, options: NodeErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'NodeError';
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.kind = options.kind ?? 'error';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.indeterminate = options.indeterminate ?? false;
    this.call = options.call;
    this.idempotencyKey = options.idempotencyKey;
    this.outcomeOfKey = options.outcomeOfKey ?? false;
    this.acted = options.acted ?? false;
    this.outputs = options.outputs;
  }

  /** This error with more facts (the call, the key, indeterminacy) known to a caller higher up. */
  with(options: Partial<NodeErrorOptions>, message = this.message): NodeError {
    return new NodeError(message, { ...this.options(), ...options });
  }

  options(): NodeErrorOptions {
    return {
      code: this.code,
      retryable: this.retryable,
      kind: this.kind,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      indeterminate: this.indeterminate,
      call: this.call,
      idempotencyKey: this.idempotencyKey,
      outcomeOfKey: this.outcomeOfKey,
      acted: this.acted,
      outputs: this.outputs,
      cause: this.cause,
    };
  }

  toInfo(): ErrorInfo {
    const { call, idempotencyKey } = this;
    const uncertain = this.indeterminate ? { indeterminate: true, call, idempotencyKey } : {};
    const acted = this.acted ? { acted: true } : {};
    const { message, code, retryable, status } = this;
    return { message, code, retryable, status, ...uncertain, ...acted };
  }
}
