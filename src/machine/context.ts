// The machine's context: everything a run knows, kept JSON-serializable so a persisted snapshot restores it.
import type { ExpressionScope, NodeState, Workflow } from '../osop/workflow.ts';
import type { DurableNodeState, NodeActorError, NodeActorInput } from './actor-events.ts';
import type { Decision } from './route.ts';
import type { RunServices } from './run-services.ts';
import { allOutputs, initialRecords, nodeStateOf, outputsOf, type NodeChunks } from './per-node.ts';

export interface NodeRunState extends NodeState {
  /** Entries that count toward `max_iterations` (in a `for_each` body: within the current item). */
  entries: number;
}

/** A `for_each` loop in progress, keyed by its body's entry node (docs/semantics.md "for_each"). */
export interface LoopState {
  from: string;
  edge: number;
  variable: string;
  /** The list being walked; only the current item's outputs are kept (each body node's last visit). */
  items: unknown[];
  index: number;
  /** The body's nodes, which see `${loop.<var>}`; absent in snapshots of older versions: the entry alone. */
  nodes?: string[];
  /** Items run at once (`parallel`/`max_concurrency`): the next item a region claims; `index` is unused then. */
  next?: number;
  /** Parallel loops only: the item each region of the loop state runs, by region key (see ItemRegion). */
  regions?: Record<string, ItemRegion>;
}

/** What one region of a parallel `for_each` keeps of the item it runs, so concurrent items never share it. */
export interface ItemRegion {
  index: number;
  /** The outputs of this item's body nodes: the item's conditions and templates read these over the run's. */
  outputs: Record<string, Record<string, unknown>>;
  /** Entries of each body node within this item (what `max_iterations` bounds). */
  entries: Record<string, number>;
}

/** The loop in progress whose body `node` is in. */
const loopOfNode = (context: RunContext, node: string): LoopState | undefined =>
  context.loops[node] ?? Object.values(context.loops).find((loop) => loop.nodes?.includes(node));

/** The item a region of a parallel `for_each` runs (`region` as compiled into the body node's state). */
export function itemRegionOf(context: RunContext, node: string, region: string | undefined): ItemRegion | undefined {
  return region === undefined ? undefined : loopOfNode(context, node)?.regions?.[region];
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
  /** The failing node had done its work (NodeActorError.acted): a sub-workflow's parent node must not fall back. */
  acted?: boolean;
}

export interface RunContext {
  runId: string;
  /** When the run started (epoch ms): the workflow timeout counts from here, across restarts. */
  startedAt?: number;
  workflowId: string;
  inputs: Record<string, unknown>;
  env: Record<string, string>;
  /** Outputs and states by node id (small workflows, snapshots of older versions); read them with per-node.ts. */
  outputs?: Record<string, Record<string, unknown>>;
  nodes?: Record<string, NodeRunState>;
  /** Big workflows: outputs and states in chunks instead (per-node.ts). */
  chunks?: NodeChunks;
  /** Node visits so far (absent in snapshots of older versions: the sum over nodes). */
  visited?: number;
  loops: Record<string, LoopState>;
  /** By fork state id. */
  joins: Record<string, JoinState>;
  /** Why an edge into a node was not taken, by target node: becomes the SKIPPED reason. */
  notes: Record<string, string>;
  /** Events delivered before any node waited for them, in order: kept in the snapshot, so a restart keeps them. */
  keptEvents?: Array<{ name: string; data: unknown }>;
  /** Nodes of spawned branches the run went on without, and why: their SKIPPED reason, running or not. */
  stopped?: Record<string, string>;
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
  /** The region of a parallel `for_each` the node ran in. */
  region?: string;
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

/** `layout`: 'flat' for a context that routing probes fill by hand, whatever the workflow's size. */
export function initialContext(workflow: Workflow, input: RunInput, layout: 'flat' | 'auto' = 'auto'): RunContext {
  const records = initialRecords(
    workflow.nodes.map((node) => node.id),
    layout,
  );
  return {
    runId: input.runId,
    ...(input.startedAt !== undefined ? { startedAt: input.startedAt } : {}),
    workflowId: workflow.id,
    inputs: input.inputs ?? {},
    env: input.env ?? {},
    ...records,
    loops: {},
    joins: {},
    notes: {},
    ...(input.dryRun ? { dryRun: true } : {}),
    ...(input.maxVisits !== undefined ? { maxVisits: input.maxVisits } : {}),
  };
}

function loopBindings(context: RunContext, node: string, region?: string): Record<string, unknown> | undefined {
  const loop = loopOfNode(context, node);
  if (!loop) return undefined;
  const index = region !== undefined ? (loop.regions?.[region]?.index ?? loop.index) : loop.index;
  return { [loop.variable]: loop.items[index], index };
}

/** The event the current visit of `node` received at its `event` edge, if it waited for one. */
function receivedEvent(context: RunContext, node: string | undefined): unknown {
  const kept = node === undefined ? undefined : context.durable?.[node];
  return kept && kept.visit === nodeStateOf(context, node!)?.visits ? kept.event?.received : undefined;
}

/** The outputs a node sees: in a region of a parallel `for_each`, its own item's body outputs over the run's. */
function outputsSeen(
  context: RunContext,
  node: string | undefined,
  region: string | undefined,
): Record<string, Record<string, unknown>> {
  const item = node === undefined ? undefined : itemRegionOf(context, node, region);
  return item ? { ...allOutputs(context), ...item.outputs } : allOutputs(context);
}

/**
 * Gives `scope` the outputs its expression sees. Chunked ones (a big workflow) are flattened only for an expression
 * that reads the `outputs` namespace, and `n1.status` reads n1's through `outputOf`: flattened at every routing
 * decision, they made a run of N nodes cost N².
 */
function scopeWithOutputs(
  scope: ExpressionScope,
  context: RunContext,
  node: string | undefined,
  region: string | undefined,
): ExpressionScope {
  if (!context.chunks) {
    scope.outputs = outputsSeen(context, node, region);
    return scope;
  }
  let all: Record<string, Record<string, unknown>> | undefined;
  Object.defineProperty(scope, 'outputs', {
    get: () => (all ??= outputsSeen(context, node, region)),
    enumerable: true,
  });
  scope.outputOf = outputLookup(context, node, region);
  return scope;
}

/** One node's outputs as `node` sees them (outputsSeen's view, without building it). */
function outputLookup(
  context: RunContext,
  node: string | undefined,
  region: string | undefined,
): (id: string) => Record<string, unknown> | undefined {
  const item = node === undefined ? undefined : itemRegionOf(context, node, region);
  return (id) => (item && Object.hasOwn(item.outputs, id) ? item.outputs[id] : outputsOf(context, id));
}

/**
 * `now`: the time `now()` returns (when the node being routed finished); `region`: the parallel `for_each` region
 * the node runs in, whose item it sees.
 */
export function expressionScope(
  context: RunContext,
  sourceNode?: string,
  now?: number,
  region?: string,
): ExpressionScope {
  const event = receivedEvent(context, sourceNode);
  const scope: ExpressionScope = {
    inputs: context.inputs,
    outputs: {},
    metadata: {
      run_id: context.runId,
      workflow_id: context.workflowId,
      attempt: sourceNode ? nodeStateOf(context, sourceNode)?.attempt : undefined,
    },
    env: context.env,
    loop: sourceNode ? loopBindings(context, sourceNode, region) : undefined,
    nodes: context.chunks ? (id) => nodeStateOf(context, id) : (context.nodes ?? {}),
    sourceNode,
    ...(event !== undefined ? { event } : {}),
    ...(now !== undefined ? { now } : {}),
  };
  return scopeWithOutputs(scope, context, sourceNode, region);
}

/** What a node's actor input says of itself; the rest (RunFields) it reads from the run's context. */
type OwnFields = Omit<NodeActorInput, RunFields>;
type RunFields = 'inputs' | 'outputs' | 'outputOf' | 'env';

/**
 * A node actor's input: its own fields, and the context's inputs, outputs and env read through getters. XState
 * persists each running node's input with the snapshot, where those copied every output of the run (and its inputs)
 * once per node in flight, at every write; a getter on the prototype is not serialized. A resumed run gives them back
 * from the restored context (withRestoredActorInputs). A class, not getters defined on an object: those held ~0.7 KB
 * more per node in flight.
 */
class NodeInput implements NodeActorInput {
  readonly node: string;
  readonly actorId?: string;
  readonly visit: number;
  readonly metadata: NodeActorInput['metadata'];
  readonly loop?: Record<string, unknown>;
  readonly #context: RunContext;
  readonly #region: string | undefined;
  #outputs: RunContext['outputs'];
  #outputOf: NodeActorInput['outputOf'];

  constructor(own: OwnFields, context: RunContext, region: string | undefined) {
    this.node = own.node;
    if (own.actorId !== undefined) this.actorId = own.actorId;
    this.visit = own.visit;
    this.metadata = own.metadata;
    if (own.loop !== undefined) this.loop = own.loop;
    this.#context = context;
    this.#region = region;
  }

  get inputs(): Record<string, unknown> {
    return this.#context.inputs;
  }

  get env(): Record<string, string> {
    return this.#context.env;
  }

  /** Chunked outputs are flattened when read (the node runs), not when it is entered: a path walk runs none. */
  get outputs(): Record<string, Record<string, unknown>> {
    return (this.#outputs ??= outputsSeen(this.#context, this.node, this.#region));
  }

  get outputOf(): NodeActorInput['outputOf'] {
    if (!this.#context.chunks) return undefined;
    return (this.#outputOf ??= outputLookup(this.#context, this.node, this.#region));
  }
}

/** `region`/`actorId`: for a body node in a region of a parallel `for_each`, the region and the invoke id there. */
export function actorInput(context: RunContext, node: string, region?: string, actorId?: string): NodeActorInput {
  const loop = loopBindings(context, node, region);
  const own: OwnFields = {
    node,
    ...(actorId !== undefined ? { actorId } : {}),
    visit: nodeStateOf(context, node)?.visits ?? 1,
    metadata: { run_id: context.runId, workflow_id: context.workflowId },
    ...(loop ? { loop } : {}),
  };
  return new NodeInput(own, context, region);
}

interface PersistedChild {
  snapshot?: { input?: unknown };
}

/**
 * A persisted snapshot whose running nodes' inputs get their inputs, outputs and env back from its context (a
 * snapshot of an older version, which kept them in each input, is left as it was).
 */
export function withRestoredActorInputs<T extends object>(snapshot: T): T {
  const { context, children } = snapshot as { context?: RunContext; children?: Record<string, PersistedChild> };
  if (!context || !children) return snapshot;
  let restored: Record<string, PersistedChild> | undefined;
  for (const [id, child] of Object.entries(children)) {
    const input = child.snapshot?.input as OwnFields | undefined;
    if (!input || typeof input.node !== 'string' || 'outputs' in input) continue;
    // "/" cannot be in a node id: a body node's actor in a parallel for_each is `<node>/<region>`.
    const region = input.actorId?.slice(input.node.length + 1);
    restored ??= { ...children };
    restored[id] = { ...child, snapshot: { ...child.snapshot, input: new NodeInput(input, context, region) } };
  }
  return restored ? { ...snapshot, children: restored } : snapshot;
}
