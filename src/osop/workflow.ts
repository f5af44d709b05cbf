// The normalized, typed form of an OSOP document. Every later layer works on this shape only.
import type { EdgeMode } from '../events/edge-mode.ts';

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic extends SourcePosition {
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-node`, `cel-syntax`. */
  code: string;
  /** Path inside the document, e.g. `edges[3].condition`. */
  path: string;
  message: string;
  /** What to do about it, e.g. "did you mean create_customer?". */
  suggestion?: string;
}

/** A reference inside `${...}`, normalized: `${create_customer.customer_id}` → outputs/['create_customer','customer_id']. */
export interface Reference {
  namespace: 'inputs' | 'outputs' | 'secrets' | 'env' | 'metadata' | 'loop' | 'event';
  path: string[];
  /** The text between `${` and `}` as written. */
  source: string;
}

/** A runtime value with its `${...}` interpolations parsed. */
export type Template =
  | { kind: 'value'; value: null | boolean | number | string }
  /** A string that is one whole `${...}`: keeps the referenced value's type. */
  | { kind: 'ref'; ref: Reference }
  /** A string with embedded `${...}`: always resolves to text. */
  | { kind: 'text'; parts: Array<string | Reference> }
  | { kind: 'list'; items: Template[] }
  | { kind: 'map'; entries: Record<string, Template> };

export type NodeStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'TIMEOUT' | 'WAITING';

export interface NodeState {
  status: NodeStatus;
  visits: number;
  attempt: number;
  error?: string;
  durationMs?: number;
}

/** Everything a CEL expression can see. Node ids are also bound top-level (see docs/semantics.md). */
export interface ExpressionScope {
  inputs: Record<string, unknown>;
  /** Every node's outputs by node id: what the `outputs` namespace reads. */
  outputs: Record<string, Record<string, unknown>>;
  /**
   * One node's outputs, for a scope whose `outputs` costs to build (the machine's big workflows keep them in chunks):
   * `n1.status` then reads n1's alone.
   */
  outputOf?: (id: string) => Record<string, unknown> | undefined;
  metadata: Record<string, unknown>;
  env: Record<string, string>;
  event?: unknown;
  loop?: Record<string, unknown>;
  /** By node id, or a lookup (the machine's big workflows keep node states in chunks). */
  nodes: Record<string, NodeState> | ((id: string) => NodeState | undefined);
  /** For bare names that resolve against an edge's source node outputs. */
  sourceNode?: string;
  /** What `now()` returns (epoch ms); absent: the time of the call. */
  now?: number;
}

/** A CEL program compiled once at load time. */
export interface CompiledExpression {
  source: string;
  position: SourcePosition;
  /** Evaluates; throws ExpressionError (never returns a CEL error value). */
  evaluate(scope: ExpressionScope): unknown;
}

export type OutputExtractor = { kind: 'cel'; expression: CompiledExpression } | { kind: 'jsonpath'; path: string };

export interface OutputSpec {
  name: string;
  description?: string;
  /** Absent for declaration-only outputs (list of names). */
  extract?: OutputExtractor;
  /** The output's JSON Schema, when the document gives one (`outputs: {topic: {type: string}}`). */
  schema?: Record<string, unknown>;
}

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  backoff: {
    type: 'fixed' | 'exponential';
    initialMs: number;
    maxMs: number;
    multiplier: number;
  };
  /** Error codes that may be retried; absent = the default retryable set. */
  retryableErrors?: string[];
  /** `outcome_unknown_after`: how long a call whose outcome is unknown is repeated with its key (default 24 h). */
  uncertainWindowMs?: number;
}

export interface InputSpec {
  name: string;
  type?: string;
  required: boolean;
  default?: unknown;
  /** The values allowed, when the input declares `enum`. */
  enum?: unknown[];
  description?: string;
}

/** `approval_gate`: the run waits for a decision before the node runs, as at a `human` node. */
export interface ApprovalGate {
  prompt?: string;
  approvers?: string[];
  approverRole?: string;
  /** How long the gate waits for a decision (from when it started waiting, across restarts). */
  timeoutMs?: number;
  /** What a timeout means: `reject` (the node fails, code `approval_timeout`) or `approve` (the node runs). */
  onTimeout: 'reject' | 'approve';
  /** Why the node's `security` asks for the gate (`risk_level high`), when it does. */
  reason?: string;
  riskLevel?: string;
}

/** `cost`: budgets counted from what nodes report (tokens) and what they cost (a model's price, a declared estimate). */
export interface CostBudget {
  /** Prompt + completion tokens: of one visit on a node, of the whole run on the workflow. */
  maxTokens?: number;
  /** US dollars, likewise. */
  maxUsd?: number;
  /** A node's declared price of one completed visit, counted when no model price applies. */
  estimatedUsd?: number;
}

export interface WorkflowNode {
  id: string;
  type: string;
  subtype?: string;
  name: string;
  description?: string;
  /** The node's `runtime` block with interpolations parsed (`url` + `endpoint` already joined into `url`). */
  runtime: Record<string, Template>;
  outputs: OutputSpec[];
  retry?: RetryPolicy;
  timeoutMs?: number;
  approvalGate?: ApprovalGate;
  /** `idempotency.key`: the Idempotency-Key of its Stripe POSTs instead of `<run id>:<node id>:<visit>`. */
  idempotencyKey?: Template;
  cost?: CostBudget;
  maxIterations: number;
  /** `x-sample`: outputs a dry run completes with. */
  sample?: Record<string, unknown>;
  /** `x-test-cases`: sample outcomes for path tests. */
  testCases?: unknown[];
  /** `workflow_ref` (node type `workflow` or `subworkflow`): the sub-workflow this node runs (docs/semantics.md). */
  subworkflow?: SubworkflowRef;
  position: SourcePosition;
}

/** A node's `workflow_ref` and `workflow_inputs`; `workflow` is the loaded child (loadWorkflowFile sets it). */
export interface SubworkflowRef {
  /** As written: a path relative to the referring file, or the id of a workflow listed in `imports`. */
  ref: string;
  /** Where `workflow_ref` is written. */
  position: SourcePosition;
  /** `workflow_inputs` with their `${...}` parsed: resolved when the node runs, like a runtime field. */
  inputs: Record<string, Template>;
  /** The child, loaded and valid; absent when only the text was loaded (loadWorkflowText does no I/O). */
  workflow?: Workflow;
}

/** One `imports` entry: a path relative to the workflow's file. */
export interface WorkflowImport {
  uri: string;
  position: SourcePosition;
}

export type { EdgeMode };

/** `dataflow` and `message` edges carry data only: no control flow goes along them. */
const DATA_EDGE_MODES: readonly EdgeMode[] = ['dataflow', 'message'];
export const isDataEdge = (edge: Pick<WorkflowEdge, 'mode'>): boolean => DATA_EDGE_MODES.includes(edge.mode);

export interface SwitchCase {
  value: unknown;
  to: string;
}

export interface WorkflowEdge {
  /** Index in the document's `edges` list. */
  index: number;
  from: string;
  to: string;
  mode: EdgeMode;
  /** `when` or its alias `condition`, compiled. */
  when?: CompiledExpression;
  /** `when: otherwise` (or `else`, `default`): taken when no sibling condition holds (docs/semantics.md). */
  otherwise?: true;
  cases?: SwitchCase[];
  defaultTo?: string;
  joinMode?: 'wait_all' | 'wait_any' | 'wait_n';
  joinCount?: number;
  forEach?: CompiledExpression;
  iteratorVar?: string;
  /** `for_each` with `parallel: true` or `max_concurrency` above 1: how many items run their body at once. */
  forEachConcurrency?: number;
  label?: string;
  /** On `event` edges: the event the target waits for (docs/semantics.md "Events and spawn"). */
  event?: EdgeEvent;
  /** On `spawn` edges: the schema's `spawn_count`, recorded only. */
  spawnCount?: number;
  position: SourcePosition;
}

/** What an `event` edge's target waits for: the event's name, and for how long (none: until it comes). */
export interface EdgeEvent {
  name: string;
  timeoutMs?: number;
}

export interface Workflow {
  file: string;
  osopVersion: string;
  id: string;
  name: string;
  description?: string;
  tags: string[];
  inputs: InputSpec[];
  /** Names used as `${secrets.X}` anywhere in the document. */
  secrets: string[];
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** `cost` on the workflow: the run ends COST_LIMIT once its nodes' spend passes it. */
  cost?: CostBudget;
  /** `imports`: files whose workflows a `workflow_ref` may name by id. */
  imports?: WorkflowImport[];
  /** Entry nodes: nodes no edge of any mode leads to (the first node when every node has one). A node reached only by a fallback edge is not an entry. */
  start: string[];
}

export interface LoadResult {
  /** Present when there is no error-severity diagnostic. */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}
