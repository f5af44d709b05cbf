// One small interface behind every node type: input in, outputs or a typed NodeError out.
import type { WorkflowNode } from '../osop/workflow.ts';
import type { AiMetadata, ErrorInfo, RunEventBody } from '../machine/run-event.ts';

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
}

export interface NodeResult {
  outputs: Record<string, unknown>;
  ai?: AiMetadata;
}

export type Executor = (execution: NodeExecution) => Promise<NodeResult>;

/** Executors by node type (`api`, `agent`, `cli`, `human`, ...). */
export type ExecutorRegistry = Record<string, Executor>;

export type NodeErrorKind = 'error' | 'timeout';

export interface NodeErrorOptions {
  code: string;
  retryable?: boolean;
  kind?: NodeErrorKind;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class NodeError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly kind: NodeErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, options: NodeErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'NodeError';
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.kind = options.kind ?? 'error';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  toInfo(): ErrorInfo {
    return { message: this.message, code: this.code, retryable: this.retryable, status: this.status };
  }
}
