// A `workflow` node runs its sub-workflow as a child actor: the child's own compiled machine, with the parent run's
// services (executors, secrets, clock, redaction) and its events published into the parent's one stream, node ids
// nested as `<parent node>/<child node>`. The child's end is the node's end (docs/semantics.md, "Sub-workflows").
import { createActor, type SnapshotFrom } from 'xstate';
import { NodeError, type NodeExecution, type NodeResult } from '../adapters/executor.ts';
import { longClock, setLongTimeout } from '../adapters/long-timer.ts';
import type { RunEventBody } from '../events/run-event.ts';
import { checkInputs } from '../osop/input-schema.ts';
import { isDataEdge, type Workflow, type WorkflowNode } from '../osop/workflow.ts';
import type { ConditionFailedEmitted, EdgeTakenEmitted } from './actions.ts';
import { CANCEL_EVENT, TIMEOUT_EVENT, type NodeActorInput } from './actor-events.ts';
import { compileWorkflow, FINAL_STATES, type FinalState, type WorkflowMachine } from './compile.ts';
import { OutputSecrets } from './output-secrets.ts';
import { RUN_SYSTEM_ID, RunServices, type NodeActorDeps } from './run-services.ts';
import { isRecord } from '../util/is-record.ts';
import { nodeStateOf, outputsOf } from './per-node.ts';

const STOPPED_CANCELLED = { message: 'stopped: the run was cancelled', code: 'cancelled' };
const STOPPED_TIMEOUT = { message: 'stopped: the sub-workflow timed out', code: 'timeout' };

/** A child's event as the parent's stream shows it: every node id under the parent node's. */
function nestedBody(body: RunEventBody, parent: string): RunEventBody {
  if (body.type === 'edge.taken') return { ...body, from: `${parent}/${body.from}`, to: `${parent}/${body.to}` };
  if ('node' in body && typeof body.node === 'string') return { ...body, node: `${parent}/${body.node}` };
  return body;
}

/** The parent's map of nested visits (`parent/child:visit`, as nestedBody names them), keyed as the child names them. */
function childVisits<T>(visits: ReadonlyMap<string, T>, prefix: string): Map<string, T> {
  const child = new Map<string, T>();
  for (const [key, value] of visits) if (key.startsWith(prefix)) child.set(key.slice(prefix.length), value);
  return child;
}

/** The child's result: the merged outputs of its terminal nodes (no control edge leaves them) that completed. */
function childOutputs(child: Workflow, snapshot: SnapshotFrom<WorkflowMachine>): Record<string, unknown> {
  const { context } = snapshot;
  const leadOn = new Set(child.edges.filter((edge) => !isDataEdge(edge)).map((edge) => edge.from));
  const outputs: Record<string, unknown> = {};
  for (const node of child.nodes) {
    if (leadOn.has(node.id) || nodeStateOf(context, node.id)?.status !== 'COMPLETED') continue;
    Object.assign(outputs, outputsOf(context, node.id));
  }
  return outputs;
}

function inputsFor(node: WorkflowNode, child: Workflow, runtime: Record<string, unknown>): Record<string, unknown> {
  const given = isRecord(runtime.workflow_inputs) ? runtime.workflow_inputs : {};
  const checked = checkInputs(child, { json: given });
  if (checked.ok) return checked.values;
  const problems = checked.problems.map((problem) =>
    problem.code === 'missing-input' ? `${problem.message}: add it to workflow_inputs` : problem.message,
  );
  throw new NodeError(
    `${node.id} (${node.position.file}:${node.position.line}): the inputs of sub-workflow ${child.id} do not fit its inputs: ${problems.join('; ')}`,
    { code: 'subworkflow_inputs' },
  );
}

/**
 * Runs `execution.node`'s sub-workflow to its end. Cancelling the node (the parent moved on, was cancelled or
 * timed out) cancels the child; a child that does not complete fails the node, so its fallback/error edges apply.
 */
export function runSubworkflow(
  deps: NodeActorDeps,
  execution: NodeExecution,
  input: NodeActorInput,
): Promise<NodeResult> {
  const { node, signal } = execution;
  const child = node.subworkflow?.workflow;
  if (!child)
    throw new NodeError(
      `${node.id} (${node.position.file}:${node.position.line}): sub-workflow ${node.subworkflow?.ref ?? ''} was not loaded: load the workflow with loadWorkflowFile`,
      { code: 'subworkflow_not_loaded' },
    );
  const inputs = inputsFor(node, child, execution.runtime);
  // Keys of what the child keeps (idempotency keys, durable node state) carry the parent node and its visit, so a
  // second visit of the node is a new child run, and no child key meets a parent one (`/` is never in a node id).
  const scope = `${deps.keyScope ?? ''}${node.id}:${execution.visit}/`;
  const inFlight = new Map<string, { node: string; visit: number }>();
  const publish = (body: RunEventBody, redacted?: boolean) => deps.publish(nestedBody(body, node.id), redacted);
  const childDeps: NodeActorDeps = {
    ...deps,
    workflow: child,
    outputSecrets: new OutputSecrets(),
    publish,
    inFlight,
    // A resumed run runs the child again from its start (same keys): see docs/semantics.md.
    completedBefore: new Map(),
    sentBefore: childVisits(deps.sentBefore, `${node.id}/`),
    durableOf: (id, visit) => deps.durableOf(`${scope}${id}`, visit),
    recordDurable: (id, state) => deps.recordDurable(`${scope}${id}`, state),
    keyScope: scope,
  };
  const actor = createActor(compileWorkflow(child), {
    systemId: RUN_SYSTEM_ID,
    input: {
      runId: deps.runId,
      inputs,
      env: input.env,
      startedAt: deps.clock(),
      ...(deps.dryRun ? { dryRun: true } : {}),
      services: new RunServices(childDeps),
    },
    clock: longClock,
  });
  actor.on('edge.taken', ({ type: _type, ...edge }: EdgeTakenEmitted) => publish({ type: 'edge.taken', ...edge }));
  actor.on('condition.failed', ({ node: id, visit, message }: ConditionFailedEmitted) =>
    publish({ type: 'node.failed', node: id, visit, durationMs: 0, error: { message, code: 'condition' } }),
  );
  /** Child nodes a transition stopped before they finished: failed when the child was interrupted (as the runner's). */
  const reportStopped = (snapshot: SnapshotFrom<WorkflowMachine>, interrupted?: FinalState) => {
    for (const [actorId, { node: id, visit }] of [...inFlight]) {
      if (snapshot.status === 'active' && snapshot.children[actorId]) continue;
      inFlight.delete(actorId);
      if (interrupted === 'CANCELLED' || interrupted === 'TIMEOUT') {
        const error = interrupted === 'CANCELLED' ? STOPPED_CANCELLED : STOPPED_TIMEOUT;
        publish({ type: 'node.failed', node: id, visit, durationMs: 0, error });
      } else
        publish({
          type: 'node.skipped',
          node: id,
          reason: 'stopped before it finished: the sub-workflow moved on without it',
        });
    }
  };
  return new Promise<NodeResult>((resolve, reject) => {
    const deadline = child.timeoutMs
      ? setLongTimeout(() => actor.send({ type: TIMEOUT_EVENT }), child.timeoutMs)
      : undefined;
    const finish = (snapshot: SnapshotFrom<WorkflowMachine>) => {
      deadline?.clear();
      signal.removeEventListener('abort', abort);
      const state: FinalState = FINAL_STATES.find((name) => name === snapshot.value) ?? 'FAILED';
      reportStopped(snapshot, state);
      for (const { id } of child.nodes)
        if (nodeStateOf(snapshot.context, id)?.status === 'PENDING')
          publish({ type: 'node.skipped', node: id, reason: snapshot.context.notes[id] ?? 'not reached' });
      if (state === 'COMPLETED') return resolve({ outputs: childOutputs(child, snapshot) });
      const error = snapshot.context.error;
      const why = error ? `${error.message}${error.code ? ` (${error.code})` : ''}` : `it ended ${state}`;
      reject(
        new NodeError(`${node.id}: sub-workflow ${child.id} did not complete: ${why}`, {
          code: 'subworkflow_failed',
          ...(error?.code === 'outcome_unknown' ? { indeterminate: true } : {}),
          // A child node did its work and failed after it: falling back would run the child, and its work, again.
          ...(error?.acted ? { acted: true } : {}),
        }),
      );
    };
    function abort() {
      deadline?.clear();
      actor.send({ type: CANCEL_EVENT });
      actor.stop();
      reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
    }
    signal.addEventListener('abort', abort, { once: true });
    actor.subscribe({
      next: (snapshot) => {
        if (snapshot.status === 'done') finish(snapshot);
        else reportStopped(snapshot);
      },
      error: (failure) => {
        deadline?.clear();
        signal.removeEventListener('abort', abort);
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      },
    });
    actor.start();
  });
}
