// The runner's node actor: resolve the runtime templates, then retry(timeout(executor)) and report what happened as events.
// One actor logic per workflow; it finds its run's dependencies through the run's actor system (see run-registry.ts).
import { fromPromise, type AnyActorRef } from 'xstate';
import { NodeError, type Executor, type ExecutorRegistry } from '../adapters/executor.ts';
import { createHumanExecutor, type HumanGate } from '../adapters/human.ts';
import { ANY_TYPE } from '../adapters/local.ts';
import { retryPolicyFor, withRetry } from '../adapters/retry.ts';
import { withTimeout } from '../adapters/timeout.ts';
import { resolveTemplate, TemplateError } from '../osop/template.ts';
import type { Workflow, WorkflowNode } from '../osop/workflow.ts';
import type { NodeActorError, NodeActorInput, NodeActorOutput } from './actor-events.ts';
import { toPlainJson } from './plain-json.ts';
import { createStreamMasker, type Redactor } from './redact.ts';
import type { RunEventBody } from './run-event.ts';

/** What one run gives its node actors. */
export interface NodeActorDeps {
  workflow: Workflow;
  runId: string;
  secrets: Record<string, string>;
  executors: ExecutorRegistry;
  humanGate: HumanGate;
  dryRun: boolean;
  redact: Redactor;
  /** Adds the event to the run; `redacted` says the body is already scrubbed, so it is not scanned again. */
  publish: (body: RunEventBody, redacted?: boolean) => void;
  /** Nodes whose actor is running, so the runner can report the ones a transition interrupts. */
  inFlight: Map<string, { visit: number }>;
  random?: () => number;
}

/** Outputs live in the run's context and every persisted snapshot: one node may add at most this much. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

const located = (node: WorkflowNode) => `${node.id} (${node.position.file}:${node.position.line})`;

function executorFor(deps: NodeActorDeps, node: WorkflowNode): Executor {
  const found = deps.executors[node.type] ?? (node.type === 'human' ? createHumanExecutor(deps.humanGate) : deps.executors[ANY_TYPE]);
  if (found) return found;
  return async () => {
    throw new NodeError(`no executor for type ${node.type} at ${located(node)}: try --dry-run, or run it where ${node.type} nodes are supported`, { code: 'no_executor' });
  };
}

/** In a dry run nothing is called, so a secret that is not set resolves to a visible placeholder. */
function secretsFor(deps: NodeActorDeps): Record<string, string> {
  if (!deps.dryRun) return deps.secrets;
  const placeholders = Object.fromEntries(deps.workflow.secrets.map((name) => [name, `<secrets.${name}>`]));
  return { ...placeholders, ...deps.secrets };
}

function resolveRuntime(deps: NodeActorDeps, node: WorkflowNode, input: NodeActorInput): Record<string, unknown> {
  const values = { inputs: input.inputs, outputs: input.outputs, secrets: secretsFor(deps), env: input.env, metadata: input.metadata, loop: input.loop };
  try {
    return Object.fromEntries(Object.entries(node.runtime).map(([key, template]) => [key, resolveTemplate(template, values)]));
  } catch (failure) {
    if (deps.dryRun) return {};
    const message = failure instanceof TemplateError ? failure.message : String(failure);
    throw new NodeError(`${located(node)}: ${message}`, { code: 'template' });
  }
}

function errorOf(failure: unknown): NodeError {
  if (failure instanceof NodeError) return failure;
  const message = failure instanceof Error ? failure.message : String(failure);
  return new NodeError(message, { code: 'error', cause: failure });
}

async function runNode(deps: NodeActorDeps, node: WorkflowNode, input: NodeActorInput, signal: AbortSignal): Promise<NodeActorOutput> {
  const emit = (body: RunEventBody, redacted = false) => {
    if (!signal.aborted) deps.publish(body, redacted);
  };
  // Streamed text is masked as a stream, so a secret split across deltas never goes out whole.
  const stream = createStreamMasker(deps.redact.masking);
  const emitStreamed = (body: RunEventBody) => {
    if (body.type !== 'agent.delta') return emit(body);
    const text = stream.push(body.text);
    if (text !== '') emit({ ...body, text });
  };
  const flushStream = () => {
    const text = stream.flush();
    if (text !== '') emit({ type: 'agent.delta', node: node.id, text });
  };
  const started = Date.now();
  let attempt = 1;
  deps.inFlight.set(node.id, { visit: input.visit });
  emit({ type: 'node.started', node: node.id, nodeType: node.type, visit: input.visit, attempt });
  try {
    const runtime = resolveRuntime(deps, node, input);
    const execute = withRetry(withTimeout(executorFor(deps, node), node.timeoutMs), retryPolicyFor(deps.workflow, node), {
      random: deps.random,
      onAttempt: (current) => {
        flushStream();
        attempt = current;
      },
    });
    const result = await execute({
      node,
      runtime,
      runId: deps.runId,
      visit: input.visit,
      attempt,
      idempotencyKey: `${deps.runId}:${node.id}:${input.visit}`,
      context: { inputs: input.inputs, outputs: input.outputs },
      signal,
      emit: emitStreamed,
    });
    flushStream();
    const durationMs = Date.now() - started;
    // Outputs live in the persisted snapshot: keep them plain JSON, redacted once for the event and the context alike.
    const plain = toPlainJson(result.outputs ?? {});
    const bytes = JSON.stringify(plain).length;
    if (bytes > MAX_OUTPUT_BYTES) {
      throw new NodeError(`${located(node)}: outputs are ${bytes} bytes; a node may keep at most ${MAX_OUTPUT_BYTES} in the run`, { code: 'outputs_too_large' });
    }
    const { outputs, ai } = deps.redact({ outputs: plain, ...(result.ai ? { ai: result.ai } : {}) });
    deps.inFlight.delete(node.id);
    emit({ type: 'node.completed', node: node.id, visit: input.visit, durationMs, outputs, ...(ai ? { ai } : {}) }, true);
    return { outputs, ...(ai ? { ai } : {}), attempt, durationMs };
  } catch (failure) {
    if (signal.aborted) throw failure;
    flushStream();
    deps.inFlight.delete(node.id);
    const error = errorOf(failure);
    const durationMs = Date.now() - started;
    const info = deps.redact(error.toInfo());
    emit({ type: 'node.failed', node: node.id, visit: input.visit, durationMs, error: info }, true);
    const actorError: NodeActorError = { message: info.message, code: error.code, kind: error.kind, attempt, durationMs };
    throw actorError;
  }
}

/** Node actors for every node type of `workflow`; `depsOf` finds the dependencies of the run an actor belongs to. */
export function createNodeActors(workflow: Workflow, depsOf: (system: AnyActorRef['system']) => NodeActorDeps | undefined) {
  const nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
  const logic = fromPromise<NodeActorOutput, NodeActorInput>(async ({ input, signal, system }) => {
    const deps = depsOf(system);
    if (!deps) throw new Error(`no run is registered for node ${input.node}: run workflows with startRun()`);
    return runNode(deps, nodes.get(input.node)!, input, signal);
  });
  return Object.fromEntries([...new Set(workflow.nodes.map((node) => node.type))].map((type) => [type, logic]));
}
