// Runs a compiled workflow: creates the actor, turns its life into gapless, redacted RunEvents, writes the .osoplog.
import { randomUUID } from 'node:crypto';
import { createActor, type AnyActorRef } from 'xstate';
import { HumanGate } from '../adapters/human.ts';
import { longClock, setLongTimeout, type LongTimer } from '../adapters/long-timer.ts';
import type { ConditionFailedEmitted, EdgeTakenEmitted } from './actions.ts';
import { CANCEL_EVENT, LIMIT_EVENT, TIMEOUT_EVENT, type NodeActorOutput } from './actor-events.ts';
import { FINAL_STATES, type FinalState } from './compile.ts';
import type { RunContext } from './context.ts';
import { durableNodeStates } from './durable-state.ts';
import { NodeRecordLog } from './node-records.ts';
import { buildOsoplog, writeOsoplog } from './osoplog.ts';
import { OutputSecrets } from './output-secrets.ts';
import { RunLimitWatch } from './run-limits.ts';
import { createRedactor, type Redactor } from '../util/redact.ts';
import { registerRun, runnableMachine } from './run-registry.ts';
import type { ErrorInfo, RunEvent, RunEventBody } from '../events/run-event.ts';
import { checkRunSetup } from './run-setup.ts';
import { DEFAULT_KEPT_EVENTS, type RunHandle, type RunOptions, type RunResult } from './run-options.ts';
import { errorMessage } from '../util/error-message.ts';

export { RunSetupError } from './run-setup.ts';

interface MachineSnapshot {
  status: 'active' | 'done' | 'error' | 'stopped';
  value: unknown;
  context: RunContext;
  children: Record<string, AnyActorRef | undefined>;
}

const INTERRUPTED: Record<FinalState, ErrorInfo | undefined> = {
  COMPLETED: undefined,
  FAILED: undefined,
  TIMEOUT: { message: 'stopped: the workflow timed out', code: 'timeout' },
  CANCELLED: { message: 'stopped: the run was cancelled', code: 'cancelled' },
};

// Events come in bursts within one millisecond: format each millisecond's timestamp once.
let stampedMs = Number.NaN;
let stamp = '';
const isoNow = (): string => {
  const now = Date.now();
  if (now !== stampedMs) {
    stampedMs = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
};

function completedVisits(events: RunEvent[]): Map<string, NodeActorOutput> {
  const visits = new Map<string, NodeActorOutput>();
  for (const event of events) {
    if (event.type !== 'node.completed') continue;
    // Only a node's latest visit can be in flight in a snapshot: older ones are not kept.
    for (const key of visits.keys()) if (key.startsWith(`${event.node}:`)) visits.delete(key);
    visits.set(`${event.node}:${event.visit}`, {
      outputs: event.outputs,
      ...(event.ai ? { ai: event.ai } : {}),
      durationMs: event.durationMs,
    });
  }
  return visits;
}

function resumedRunId(snapshot: unknown): string | undefined {
  const runId = (snapshot as { context?: { runId?: unknown } } | undefined)?.context?.runId;
  return typeof runId === 'string' ? runId : undefined;
}

/** Starts a run; throws RunSetupError (before anything runs) when an input or secret is missing, CompileError when the graph cannot be compiled. */
export function startRun(options: RunOptions): RunHandle {
  const { workflow } = options;
  const inputs = options.snapshot ? {} : checkRunSetup(options);
  const runId = options.runId ?? resumedRunId(options.snapshot) ?? randomUUID();
  const outputSecrets = new OutputSecrets();
  const redactSecrets = createRedactor({ ...options.masked, ...options.secrets });
  // Stream masking (agent.delta) uses the run's secrets; output secrets are masked in whole values.
  const redact: Redactor = Object.assign(<T>(value: T): T => outputSecrets.redact(redactSecrets(value)), {
    masking: redactSecrets.masking,
  });
  const humanGate = options.humanGate ?? new HumanGate();
  // The latest events only: every event goes to onEvent, and a long run's memory stays flat.
  const keepEvents = options.keepEvents ?? DEFAULT_KEPT_EVENTS;
  let events: RunEvent[] = [];
  let eventCount = 0;
  const records = new NodeRecordLog(workflow);
  // On a resume, the stored events: the .osoplog covers the whole run, and completed visits are not repeated.
  const priorEvents = options.snapshot ? (options.priorEvents ?? []) : [];
  for (const event of priorEvents) records.add(event);
  const completedBefore = completedVisits(priorEvents);
  const inFlight = new Map<string, { visit: number }>();
  const startedAt = new Date().toISOString();
  let seq = options.lastSeq ?? 0;
  let closed = false;
  let finishing = false;

  // A listener that throws must not break the run.
  const guarded = (name: string, call: () => void) => {
    try {
      call();
    } catch (failure) {
      process.emitWarning(`${name} listener threw: ${redact(errorMessage(failure))}`);
    }
  };

  // Past a limit the machine is told to fail the run; XState queues an event sent while it is transitioning.
  const limits = new RunLimitWatch(options.limits, options.lastSeq ?? 0, (error) =>
    actor.send({ type: LIMIT_EVENT, error }),
  );
  const publish = (body: RunEventBody, redacted = false) => {
    if (closed) return;
    const event = { ...(redacted ? body : redact(body)), runId, seq: ++seq, at: isoNow() } as RunEvent;
    records.add(event);
    limits.observe(event);
    eventCount += 1;
    events.push(event);
    if (events.length >= 2 * keepEvents) events = keepEvents > 0 ? events.slice(-keepEvents) : [];
    guarded('onEvent', () => options.onEvent?.(event));
  };

  const actor = createActor(runnableMachine(workflow), {
    input: {
      runId,
      inputs,
      env: options.env ?? {},
      startedAt: Date.now(),
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.maxVisits ? { maxVisits: options.maxVisits } : {}),
    },
    ...(options.snapshot ? { snapshot: options.snapshot as never } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    clock: longClock,
  });

  const durable = durableNodeStates(options.snapshot, (event) => actor.send(event));
  const unregister = registerRun(actor, {
    workflow,
    runId,
    secrets: options.secrets ?? {},
    executors: options.executors,
    humanGate,
    dryRun: options.dryRun ?? false,
    redact,
    outputSecrets,
    publish,
    inFlight,
    completedBefore,
    random: options.random,
    uncertainWindowMs: options.uncertainWindowMs,
    ...durable,
  });

  const deadline = workflowDeadline(workflow.timeoutMs, actor.getSnapshot().context, () =>
    actor.send({ type: TIMEOUT_EVENT }),
  );

  let resolveDone!: (result: RunResult) => void;
  const done = new Promise<RunResult>((resolve) => (resolveDone = resolve));

  const reportInterrupted = (snapshot: MachineSnapshot, interrupted: ErrorInfo | undefined) => {
    for (const [node, { visit }] of [...inFlight]) {
      if (snapshot.status === 'active' && snapshot.children[node]) continue;
      inFlight.delete(node);
      if (interrupted) publish({ type: 'node.failed', node, visit, durationMs: 0, error: interrupted });
      else publish({ type: 'node.skipped', node, reason: 'stopped before it finished: the run moved on without it' });
    }
  };

  const finish = async (snapshot: MachineSnapshot, internal?: unknown) => {
    if (finishing) return;
    finishing = true;
    const context = snapshot.context;
    const state = FINAL_STATES.find((name) => name === snapshot.value) ?? 'FAILED';
    reportInterrupted(snapshot, INTERRUPTED[state]);
    for (const node of workflow.nodes) {
      if (context.nodes[node.id]?.status !== 'PENDING') continue;
      publish({ type: 'node.skipped', node: node.id, reason: context.notes[node.id] ?? 'not reached' });
    }
    const error: ErrorInfo = internal
      ? {
          message: redact(`internal error: ${errorMessage(internal)}`),
          code: 'internal',
        }
      : (context.error ?? { message: `run ended in ${state}`, code: state.toLowerCase() });
    let osoplogPath: string | undefined;
    if (options.logDir) {
      const record = buildOsoplog({
        workflow,
        runId,
        status: state,
        startedAt,
        endedAt: new Date().toISOString(),
        events: records,
        dryRun: options.dryRun ?? false,
        inputs: context.inputs,
        emulated: options.emulated,
        ...(state === 'COMPLETED' ? {} : { error: error.message }),
      });
      try {
        osoplogPath = await writeOsoplog(options.logDir, redact(record));
      } catch (failure) {
        (options.onWarning ?? warnOnStderr)(
          `could not write the .osoplog to ${options.logDir}: ${(failure as Error).message}`,
        );
      }
    }
    const durationMs = Date.now() - Date.parse(startedAt);
    const where = osoplogPath ? { osoplog: osoplogPath } : {};
    if (state === 'COMPLETED') publish({ type: 'run.completed', status: 'COMPLETED', durationMs, ...where });
    else publish({ type: 'run.failed', status: state, durationMs, error, ...where });
    closed = true;
    deadline?.clear();
    unregister();
    const latest = keepEvents > 0 ? events.slice(-keepEvents) : [];
    resolveDone({
      runId,
      status: state,
      events: latest,
      eventCount,
      outputs: context.outputs,
      ...(osoplogPath ? { osoplogPath } : {}),
    });
  };

  actor.on('edge.taken', (emitted: EdgeTakenEmitted) => {
    const { type: _type, ...edge } = emitted;
    publish({ type: 'edge.taken', ...edge });
  });
  actor.on('condition.failed', ({ node, visit, message }: ConditionFailedEmitted) => {
    publish({ type: 'node.failed', node, visit, durationMs: 0, error: { message, code: 'condition' } });
  });
  actor.subscribe({
    next: (snapshot) => {
      guarded('onSnapshot', () => options.onSnapshot?.(actor.getPersistedSnapshot()));
      const current = snapshot as unknown as MachineSnapshot;
      if (current.status === 'done') void finish(current);
      else reportInterrupted(current, undefined);
    },
    error: (failure) => void finish(actor.getSnapshot() as unknown as MachineSnapshot, failure),
  });

  if (!options.snapshot)
    publish({
      type: 'run.started',
      workflowId: workflow.id,
      workflowName: workflow.name,
      inputs,
      dryRun: options.dryRun ?? false,
    });
  actor.start();

  return {
    runId,
    done,
    signal: (node, decision) => humanGate.signal(runId, node, decision),
    waiting: () => humanGate.waiting(runId),
    cancel: () => actor.send({ type: CANCEL_EVENT }),
  };
}

/** The workflow's timeout, from when the run first started (a resumed run keeps its deadline; older snapshots: now). */
function workflowDeadline(
  timeoutMs: number | undefined,
  context: RunContext,
  expire: () => void,
): LongTimer | undefined {
  if (!timeoutMs) return undefined;
  return setLongTimeout(expire, (context.startedAt ?? Date.now()) + timeoutMs - Date.now());
}

const warnOnStderr = (message: string): void => {
  process.stderr.write(`sopstate: warning: ${message}\n`);
};
