// The runner's node actor: resolve the runtime templates, then retry(timeout(executor)) and report what happened as events.
// One actor logic per workflow; it finds its run's dependencies in the run's input (see run-services.ts).
import { fromPromise } from 'xstate';
import { NodeError, type Executor, type NodeExecution } from '../adapters/executor.ts';
import { awaitApproval } from '../adapters/approval-gate.ts';
import { createHumanExecutor } from '../adapters/human.ts';
import { ANY_TYPE } from '../adapters/local.ts';
import { idempotencyKeyFor } from '../adapters/idempotency-key.ts';
import { retryPolicyFor, withRetry } from '../adapters/retry.ts';
import { withTimeout } from '../adapters/timeout.ts';
import { UNCERTAIN_WINDOW_MS } from '../adapters/uncertain.ts';
import { resolveTemplate, TemplateError } from '../osop/template.ts';
import type { Workflow, WorkflowNode } from '../osop/workflow.ts';
import type { DurableNodeState, NodeActorError, NodeActorInput, NodeActorOutput, NodeActors } from './actor-events.ts';
import { LostSecretError } from './output-secrets.ts';
import { toPlainJson } from './plain-json.ts';
import { runServicesOf, type NodeActorDeps } from './run-services.ts';
import { workflowIndex } from './workflow-index.ts';
import { createStreamMasker } from '../util/redact.ts';
import type { RunEventBody } from '../events/run-event.ts';
import { errorMessage } from '../util/error-message.ts';

/** Outputs live in the run's context and every persisted snapshot: one node may add at most this much. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

const located = (node: WorkflowNode) => `${node.id} (${node.position.file}:${node.position.line})`;

function executorFor(deps: NodeActorDeps, node: WorkflowNode): Executor {
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

function resolveRuntime(deps: NodeActorDeps, node: WorkflowNode, input: NodeActorInput): Record<string, unknown> {
  const values = {
    inputs: input.inputs,
    outputs: input.outputs,
    secrets: secretsFor(deps),
    env: input.env,
    metadata: input.metadata,
    loop: input.loop,
  };
  try {
    const resolved = Object.fromEntries(
      Object.entries(node.runtime).map(([key, template]) => [key, resolveTemplate(template, values)]),
    );
    return deps.outputSecrets.unmask(resolved);
  } catch (failure) {
    if (deps.dryRun) return {};
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
      restored: kept.uncertain,
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

/** An HTTP body shown in an event has its secret fields (`client_secret`, …) masked before anything sees it. */
function withSecretFieldsMasked(deps: NodeActorDeps, node: WorkflowNode, body: RunEventBody): RunEventBody {
  if (!('body' in body) || !body.body || typeof body.body !== 'object' || Array.isArray(body.body)) return body;
  return { ...body, body: deps.outputSecrets.mask(node.id, body.body as Record<string, unknown>) };
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
  // Streamed text is masked as a stream, so no secret split over several deltas goes out whole.
  const stream = createStreamMasker(deps.redact.masking);
  const emitStreamed = (body: RunEventBody) => {
    if (body.type === 'node.request' || body.type === 'node.response')
      return emit(withSecretFieldsMasked(deps, node, body));
    if (body.type !== 'agent.delta') return emit(body);
    const text = stream.push(body.text);
    if (text !== '') emit({ ...body, text });
  };
  const flushStream = () => {
    const text = stream.flush();
    if (text !== '') emit({ type: 'agent.delta', node: node.id, text });
  };
  const started = deps.clock();
  let attempt = 1;
  // By the node's actor id: the copies of a body node in a parallel for_each run at once.
  const actorId = input.actorId ?? node.id;
  deps.inFlight.set(actorId, { node: node.id, visit: input.visit });
  emit({ type: 'node.started', node: node.id, nodeType: node.type, visit: input.visit, attempt });
  try {
    const runtime = resolveRuntime(deps, node, input);
    await passGate(deps, node, input.visit, runtime, signal, emit);
    const durable = durableVisit(deps, node, input.visit);
    const execute = withRetry(
      withTimeout(executorFor(deps, node), node.timeoutMs),
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
      idempotencyKey: idempotencyKeyFor(deps.runId, node.id, input.visit),
      context: { inputs: input.inputs, outputs: input.outputs },
      signal,
      emit: emitStreamed,
      ...durable,
    });
    flushStream();
    const finishedAt = deps.clock();
    const durationMs = finishedAt - started;
    // Outputs live in the persisted snapshot: keep them plain JSON, redacted once for the event and the context alike.
    const plain = deps.outputSecrets.mask(node.id, toPlainJson(result.outputs ?? {}));
    const bytes = JSON.stringify(plain).length;
    if (bytes > MAX_OUTPUT_BYTES) {
      throw new NodeError(
        `${located(node)}: outputs are ${bytes} bytes; a node may keep at most ${MAX_OUTPUT_BYTES} in the run`,
        { code: 'outputs_too_large' },
      );
    }
    const { outputs, ai } = deps.redact({ outputs: plain, ...(result.ai ? { ai: result.ai } : {}) });
    deps.inFlight.delete(actorId);
    emit(
      { type: 'node.completed', node: node.id, visit: input.visit, durationMs, outputs, ...(ai ? { ai } : {}) },
      true,
    );
    return { outputs, ...(ai ? { ai } : {}), attempt, durationMs, finishedAt };
  } catch (failure) {
    if (signal.aborted) throw failure;
    flushStream();
    deps.inFlight.delete(actorId);
    const error = errorOf(failure);
    const finishedAt = deps.clock();
    const durationMs = finishedAt - started;
    const info = deps.redact(error.toInfo());
    emit({ type: 'node.failed', node: node.id, visit: input.visit, durationMs, error: info }, true);
    const uncertain = error.indeterminate ? { indeterminate: true } : {};
    const { message } = info;
    const actorError: NodeActorError = {
      message,
      code: error.code,
      kind: error.kind,
      ...uncertain,
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
    return runNode(services.deps, nodes.get(input.node)!, input, signal);
  });
  return Object.fromEntries([...new Set(workflow.nodes.map((node) => node.type))].map((type) => [type, logic]));
}
