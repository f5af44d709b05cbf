// The runner's node actor: resolve the runtime templates, then retry(timeout(executor)) and report what happened as events.
// One actor logic per workflow; it finds its run's dependencies in the run's input (see run-services.ts).
import { fromPromise } from 'xstate';
import { NodeError, type Executor, type NodeExecution } from '../adapters/executor.ts';
import { awaitApproval } from '../adapters/approval-gate.ts';
import { loopTurnIfLong } from '../util/loop-turn.ts';
import type { DeliveredEvent } from '../adapters/event-gate.ts';
import { awaitEvent } from '../adapters/event-wait.ts';
import { createHumanExecutor } from '../adapters/human.ts';
import { ANY_TYPE } from '../adapters/local.ts';
import { idempotencyKeyFor, writtenIdempotencyKey } from '../adapters/idempotency-key.ts';
import { retryPolicyFor, withRetry } from '../adapters/retry.ts';
import { withTimeout } from '../adapters/timeout.ts';
import { UNCERTAIN_WINDOW_MS } from '../adapters/uncertain.ts';
import { resolveTemplate, TemplateError, templateReferences } from '../osop/template.ts';
import type { Template, Workflow, WorkflowEdge, WorkflowNode } from '../osop/workflow.ts';
import type { DurableNodeState, NodeActorError, NodeActorInput, NodeActorOutput, NodeActors } from './actor-events.ts';
import { checkNodeBudget } from './cost-budget.ts';
import { createDeltaCoalescer } from './delta-coalescer.ts';
import { LostSecretError } from './output-secrets.ts';
import { toPlainJson } from './plain-json.ts';
import { noteOutputBytes } from './run-limits.ts';
import { runServicesOf, type NodeActorDeps } from './run-services.ts';
import { perWorkflow, workflowIndex } from './workflow-index.ts';
import type { AiMetadata, RunEventBody } from '../events/run-event.ts';
import { errorMessage } from '../util/error-message.ts';
import { rememberJsonText } from '../util/json-text.ts';
import { redactSerialized } from '../util/redact.ts';

/** Outputs live in the run's context and every persisted snapshot: one node may add at most this much. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

const located = (node: WorkflowNode) => `${node.id} (${node.position.file}:${node.position.line})`;

function executorFor(deps: NodeActorDeps, node: WorkflowNode, input: NodeActorInput): Executor {
  const { runSubworkflow } = deps;
  if (node.subworkflow && runSubworkflow) return (execution) => runSubworkflow(deps, execution, input);
  const found =
    deps.executors[node.type] ??
    (node.type === 'human' ? createHumanExecutor(deps.humanGate) : deps.executors[ANY_TYPE]);
  if (found) return found;
  return async () => {
    throw new NodeError(
      `no executor for type ${node.type} at ${located(node)}: try --dry-run, or run it where ${node.type} nodes are supported`,
      { code: 'no_executor' },
    );
  };
}

/** In a dry run nothing is called, so a secret that is not set resolves to a visible placeholder. */
function secretsFor(deps: NodeActorDeps): Record<string, string> {
  if (!deps.dryRun) return deps.secrets;
  const placeholders = Object.fromEntries(deps.workflow.secrets.map((name) => [name, `<secrets.${name}>`]));
  return { ...placeholders, ...deps.secrets };
}

/**
 * The nodes whose outputs each node's templates read (runtime fields, idempotency key, sub-workflow inputs); 'all'
 * for one that reads `${outputs}` itself.
 */
const outputsReadBy = perWorkflow((workflow): Map<string, string[] | 'all'> => {
  const read = new Map<string, string[] | 'all'>();
  for (const node of workflow.nodes) {
    const templates = [
      ...Object.values(node.runtime),
      ...(node.idempotencyKey ? [node.idempotencyKey] : []),
      ...Object.values(node.subworkflow?.inputs ?? {}),
    ];
    const refs = templates.flatMap(templateReferences).filter((ref) => ref.namespace === 'outputs');
    read.set(node.id, refs.some((ref) => ref.path.length === 0) ? 'all' : [...new Set(refs.map((ref) => ref.path[0]))]);
  }
  return read;
});

/** The outputs `node`'s templates read; in a big workflow, just those (outputOf), not all of them flattened. */
function outputsForTemplates(deps: NodeActorDeps, node: string, input: NodeActorInput) {
  const { outputOf } = input;
  if (!outputOf) return input.outputs;
  const read = outputsReadBy(deps.workflow).get(node) ?? [];
  if (read === 'all') return input.outputs;
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const id of read) {
    const found = outputOf(id);
    if (found !== undefined) outputs[id] = found;
  }
  return outputs;
}

// `outputs` is read only by a template that names one: in a big workflow the run's outputs are kept in chunks, and
// flattening them for every node made a run of N nodes cost N² (context.ts actorInput).
const templateValues = (deps: NodeActorDeps, input: NodeActorInput, event?: DeliveredEvent) => {
  let outputs: NodeActorInput['outputs'] | undefined;
  return {
    inputs: input.inputs,
    get outputs() {
      return (outputs ??= outputsForTemplates(deps, input.node, input));
    },
    secrets: secretsFor(deps),
    env: input.env,
    metadata: input.metadata,
    loop: input.loop,
    ...(event ? { event } : {}),
  };
};

/**
 * What an executor sees of the run: its outputs are gathered only if it reads them (an agent's prompt does). A class,
 * not an object literal with a getter, which held ~0.4 KB more per call in flight (a run parked at its Claude call).
 */
class ExecutionContext implements Readonly<NodeExecution['context']> {
  readonly #input: NodeActorInput;

  constructor(input: NodeActorInput) {
    this.#input = input;
  }

  get inputs(): Record<string, unknown> {
    return this.#input.inputs;
  }

  get outputs(): Record<string, Record<string, unknown>> {
    return this.#input.outputs;
  }
}

/** The visit's Idempotency-Key: the node's `idempotency.key` resolved (an empty one fails the node), else the default. */
function idempotencyKeyOf(
  deps: NodeActorDeps,
  node: WorkflowNode,
  input: NodeActorInput,
  event: DeliveredEvent | undefined,
): string {
  const fallback = idempotencyKeyFor(deps.runId, `${deps.keyScope ?? ''}${node.id}`, input.visit);
  if (!node.idempotencyKey) return fallback;
  const template = node.idempotencyKey;
  const values = templateValues(deps, input, event);
  let value: unknown;
  try {
    // Each `${...}` must have a value: "order-${inputs.order_id}" with no order id would be one key for every order.
    const empty = templateReferences(template).find(
      (ref) => writtenIdempotencyKey(resolveTemplate({ kind: 'ref', ref }, values)) === undefined,
    );
    if (empty && !deps.dryRun)
      throw new NodeError(
        `${located(node)}: idempotency.key: \${${empty.source}} is empty, so the key would not tell this call apart; give it a value`,
        { code: 'idempotency_key' },
      );
    value = resolveTemplate(template, values);
  } catch (failure) {
    if (failure instanceof NodeError) throw failure;
    if (deps.dryRun) return fallback;
    const message = failure instanceof TemplateError ? failure.message : String(failure);
    throw new NodeError(`${located(node)}: idempotency.key: ${message}`, { code: 'idempotency_key' });
  }
  const key = writtenIdempotencyKey(value);
  if (key !== undefined || deps.dryRun) return key ?? fallback;
  throw new NodeError(
    `${located(node)}: idempotency.key resolved to an empty value; build it from values this visit always has`,
    { code: 'idempotency_key' },
  );
}

function resolveRuntime(
  deps: NodeActorDeps,
  node: WorkflowNode,
  input: NodeActorInput,
  event: DeliveredEvent | undefined,
): Record<string, unknown> {
  const values = templateValues(deps, input, event);
  // A sub-workflow's inputs resolve like a runtime field, and reach its run as `runtime.workflow_inputs`.
  const templates: Record<string, Template> = node.subworkflow
    ? { ...node.runtime, workflow_inputs: { kind: 'map', entries: node.subworkflow.inputs } }
    : node.runtime;
  try {
    const resolved = Object.fromEntries(
      Object.entries(templates).map(([key, template]) => [key, resolveTemplate(template, values)]),
    );
    return deps.outputSecrets.unmask(resolved);
  } catch (failure) {
    if (deps.dryRun) return {};
    // A path test's simulated event has no data: a node that reads it is run by its stub, which does not need it.
    if (deps.simulateEvents && failure instanceof TemplateError && /^\s*event\./.test(failure.reference)) return {};
    if (failure instanceof LostSecretError) {
      throw new NodeError(`${located(node)}: ${failure.message}`, { code: 'secret_not_kept' });
    }
    const message = failure instanceof TemplateError ? failure.message : String(failure);
    throw new NodeError(`${located(node)}: ${message}`, { code: 'template' });
  }
}

function errorOf(failure: unknown): NodeError {
  if (failure instanceof NodeError) return failure;
  const message = errorMessage(failure);
  return new NodeError(message, { code: 'error', cause: failure });
}

/**
 * The parts of a visit that must survive a restart: when a timed node started (its deadline), and the schedule of a
 * call whose outcome is unknown. Both go into the run's snapshot, and come back from it on resume.
 */
function durableVisit(
  deps: NodeActorDeps,
  node: WorkflowNode,
  visit: number,
): Pick<NodeExecution, 'startedAt' | 'uncertain'> {
  let kept = deps.durableOf(node.id, visit) ?? { visit };
  const keep = (change: Partial<DurableNodeState>) => {
    kept = { ...kept, ...change };
    deps.recordDurable(node.id, kept);
  };
  if (node.timeoutMs && kept.startedAt === undefined) keep({ startedAt: deps.clock() });
  return {
    ...(kept.startedAt !== undefined ? { startedAt: kept.startedAt } : {}),
    uncertain: {
      restored: kept.uncertain ?? deps.sentBefore.get(`${node.id}:${visit}`),
      record: (uncertain) => keep({ uncertain }),
      windowMs: deps.uncertainWindowMs ?? UNCERTAIN_WINDOW_MS,
    },
  };
}

/** Waits at the node's approval gate, unless this visit already passed it; both facts are kept in the snapshot. */
async function passGate(
  deps: NodeActorDeps,
  node: WorkflowNode,
  visit: number,
  runtime: Record<string, unknown>,
  signal: AbortSignal,
  emit: (body: RunEventBody) => void,
): Promise<void> {
  if (!node.approvalGate) return;
  const kept = deps.durableOf(node.id, visit) ?? { visit };
  if (kept.approval?.passed) return;
  const since = kept.approval?.since ?? deps.clock();
  if (!kept.approval) deps.recordDurable(node.id, { ...kept, approval: { since } });
  await awaitApproval({ gate: deps.humanGate, runId: deps.runId, node, runtime, signal, emit, since, now: deps.clock });
  const after = deps.durableOf(node.id, visit) ?? { visit };
  deps.recordDurable(node.id, { ...after, approval: { since, passed: true } });
}

/** `event` edges by the node they lead to. */
const eventEdgesByTarget = perWorkflow((workflow) => {
  const byTarget = new Map<string, WorkflowEdge[]>();
  for (const edge of workflow.edges) {
    if (edge.mode !== 'event' || !edge.event) continue;
    byTarget.set(edge.to, [...(byTarget.get(edge.to) ?? []), edge]);
  }
  return byTarget;
});

/**
 * At the target of an `event` edge whose source completed: waits for the edge's event before the node runs, unless
 * this visit already received it. Both facts are kept in the snapshot, so a restarted run waits on (same deadline).
 */
async function receiveEvent(
  deps: NodeActorDeps,
  node: WorkflowNode,
  input: NodeActorInput,
  signal: AbortSignal,
  emit: (body: RunEventBody) => void,
): Promise<DeliveredEvent | undefined> {
  const edges = (eventEdgesByTarget(deps.workflow).get(node.id) ?? []).filter(
    (edge) => input.outputs[edge.from] !== undefined,
  );
  if (edges.length === 0) return undefined;
  const kept = deps.durableOf(node.id, input.visit) ?? { visit: input.visit };
  if (kept.event?.received) return kept.event.received;
  const since = kept.event?.since ?? deps.clock();
  if (!kept.event) deps.recordDurable(node.id, { ...kept, event: { since } });
  const event = await awaitEvent({
    gate: deps.eventGate,
    node,
    edges,
    scope: (edge, delivered) => ({
      inputs: input.inputs,
      outputs: input.outputs,
      metadata: input.metadata,
      env: input.env,
      nodes: {},
      sourceNode: edge.from,
      event: delivered,
      ...(input.loop ? { loop: input.loop } : {}),
    }),
    signal,
    emit,
    since,
    now: deps.clock,
    simulate: deps.dryRun || deps.simulateEvents === true,
  });
  const received = { name: event.name, data: toPlainJson(event.data ?? null) };
  const after = deps.durableOf(node.id, input.visit) ?? { visit: input.visit };
  deps.recordDurable(node.id, { ...after, event: { since, received } });
  return received;
}

/**
 * Outputs live in the persisted snapshot: kept as plain JSON, masked and redacted once for the event and the context
 * alike, and serialized once (the size check, the redactors' search and the event's text, the store's row, share it).
 * Its failures come after the node's work was done (the call answered with success), so they are `acted`: a failure
 * edge now could act again.
 */
function keptOutputs(
  deps: NodeActorDeps,
  node: WorkflowNode,
  given: Record<string, unknown>,
): { outputs: Record<string, unknown>; outputsJson: string } {
  try {
    const plain = deps.outputSecrets.mask(node.id, toPlainJson(given));
    const redacted = redactSerialized(plain, deps.redact);
    const outputsJson = redacted.json ?? JSON.stringify(redacted.value);
    if (outputsJson.length > MAX_OUTPUT_BYTES) {
      throw new NodeError(
        `${located(node)}: outputs are ${outputsJson.length} bytes; a node may keep at most ${MAX_OUTPUT_BYTES} in the run`,
        { code: 'outputs_too_large' },
      );
    }
    return { outputs: redacted.value, outputsJson };
  } catch (failure) {
    const error = errorOf(failure);
    throw error.with({ acted: true }, `${error.message} — the node's work was done, so no failure edge is taken`);
  }
}

/** An HTTP body shown in an event has its secret fields (`client_secret`, …) masked before anything sees it. */
function withSecretFieldsMasked(deps: NodeActorDeps, node: WorkflowNode, body: RunEventBody): RunEventBody {
  if (!('body' in body) || !body.body || typeof body.body !== 'object' || Array.isArray(body.body)) return body;
  const masked = deps.outputSecrets.mask(node.id, body.body as Record<string, unknown>);
  return masked === body.body ? body : { ...body, body: masked };
}

/** The node.completed event, with its JSON text built around the outputs' (already serialized) for whoever writes it. */
function completedBody(
  node: string,
  visit: number,
  durationMs: number,
  outputs: Record<string, unknown>,
  outputsJson: string,
  ai: AiMetadata | undefined,
  synthesized: readonly string[] | undefined,
): RunEventBody {
  const listed = synthesized?.length ? [...synthesized] : undefined;
  const body: RunEventBody = {
    type: 'node.completed',
    node,
    visit,
    durationMs,
    outputs,
    ...(ai ? { ai } : {}),
    ...(listed ? { synthesized: listed } : {}),
  };
  // Key for key as JSON.stringify(body) writes it (test/machine/event-json-text.test.ts holds it to that).
  const head = JSON.stringify({ type: body.type, node, visit, durationMs }).slice(0, -1);
  const tail = `${ai ? `,"ai":${JSON.stringify(ai)}` : ''}${listed ? `,"synthesized":${JSON.stringify(listed)}` : ''}`;
  rememberJsonText(body, `${head},"outputs":${outputsJson}${tail}}`);
  return body;
}

/** What a failed node produced (a command's stdout, an API's error body), masked and bounded like success outputs. */
function failedOutputs(
  deps: NodeActorDeps,
  node: WorkflowNode,
  error: NodeError,
): { outputs?: Record<string, unknown> } {
  if (!error.outputs) return {};
  const plain = deps.outputSecrets.mask(node.id, toPlainJson(error.outputs));
  if (JSON.stringify(plain).length > MAX_OUTPUT_BYTES) return {};
  return { outputs: deps.redact({ outputs: plain }).outputs };
}

async function runNode(
  deps: NodeActorDeps,
  node: WorkflowNode,
  input: NodeActorInput,
  signal: AbortSignal,
): Promise<NodeActorOutput> {
  const emit = (body: RunEventBody, redacted = false) => {
    if (!signal.aborted) deps.publish(body, redacted);
  };
  const recorded = deps.completedBefore.get(`${node.id}:${input.visit}`);
  if (recorded) return recorded;
  // Streamed text is masked as a stream, so no secret split over several deltas goes out whole, and a burst of
  // deltas goes out as one.
  const stream = createDeltaCoalescer(deps.redact.masking, (text) =>
    emit({ type: 'agent.delta', node: node.id, text }),
  );
  const emitStreamed = (body: RunEventBody) => {
    if (body.type === 'agent.delta') return stream.push(body.text);
    stream.send();
    if (body.type === 'node.request' || body.type === 'node.response')
      return emit(withSecretFieldsMasked(deps, node, body));
    emit(body);
  };
  const flushStream = () => stream.end();
  const started = deps.clock();
  let attempt = 1;
  // What the call reported spending, kept for node.failed when the visit fails after it (over its cost budget).
  let spent: AiMetadata | undefined;
  // By the node's actor id: the copies of a body node in a parallel for_each run at once.
  const actorId = input.actorId ?? node.id;
  deps.inFlight.set(actorId, { node: node.id, visit: input.visit });
  emit({ type: 'node.started', node: node.id, nodeType: node.type, visit: input.visit, attempt });
  try {
    const event = await receiveEvent(deps, node, input, signal, emit);
    const runtime = resolveRuntime(deps, node, input, event);
    const idempotencyKey = idempotencyKeyOf(deps, node, input, event);
    await passGate(deps, node, input.visit, runtime, signal, emit);
    const durable = durableVisit(deps, node, input.visit);
    const execute = withRetry(
      withTimeout(executorFor(deps, node, input), node.timeoutMs),
      retryPolicyFor(deps.workflow, node),
      {
        random: deps.random,
        onAttempt: (current) => {
          flushStream();
          attempt = current;
        },
      },
    );
    const result = await execute({
      node,
      runtime,
      runId: deps.runId,
      visit: input.visit,
      attempt,
      idempotencyKey,
      context: new ExecutionContext(input),
      signal,
      emit: emitStreamed,
      ...(deps.untilStored ? { untilStored: deps.untilStored } : {}),
      ...durable,
    });
    flushStream();
    spent = result.ai ? deps.redact(result.ai) : undefined;
    checkNodeBudget(node, result.ai);
    const finishedAt = deps.clock();
    const durationMs = finishedAt - started;
    const { outputs, outputsJson } = keptOutputs(deps, node, result.outputs ?? {});
    noteOutputBytes(outputs, outputsJson.length);
    const ai = spent;
    deps.inFlight.delete(actorId);
    emit(completedBody(node.id, input.visit, durationMs, outputs, outputsJson, ai, result.synthesized), true);
    return { outputs, ...(ai ? { ai } : {}), attempt, durationMs, finishedAt };
  } catch (failure) {
    if (signal.aborted) throw failure;
    flushStream();
    deps.inFlight.delete(actorId);
    const error = errorOf(failure);
    const finishedAt = deps.clock();
    const durationMs = finishedAt - started;
    const info = deps.redact(error.toInfo());
    const ai = spent ? { ai: spent } : {};
    const kept = failedOutputs(deps, node, error);
    emit({ type: 'node.failed', node: node.id, visit: input.visit, durationMs, error: info, ...ai, ...kept }, true);
    const uncertain = error.indeterminate ? { indeterminate: true } : {};
    const acted = error.acted ? { acted: true } : {};
    const { message } = info;
    const actorError: NodeActorError = {
      message,
      code: error.code,
      kind: error.kind,
      ...uncertain,
      ...acted,
      ...kept,
      attempt,
      durationMs,
      finishedAt,
    };
    throw actorError;
  }
}

/** Node actors for every node type of `workflow`; each runs in the run whose input carries RunServices. */
export function createNodeActors(workflow: Workflow): NodeActors {
  const { nodes } = workflowIndex(workflow);
  const logic = fromPromise<NodeActorOutput, NodeActorInput>(async ({ input, signal, system }) => {
    const services = runServicesOf(system);
    if (!services)
      throw new Error(`node ${input.node} has no run services in its input: run workflows with startRun()`);
    try {
      return await runNode(services.deps, nodes.get(input.node)!, input, signal);
    } finally {
      // The node's end, done or failed, moves the machine on through promise callbacks alone: after a long stretch,
      // the loop polls first.
      await loopTurnIfLong();
    }
  });
  return Object.fromEntries([...new Set(workflow.nodes.map((node) => node.type))].map((type) => [type, logic]));
}
