// Runs a compiled workflow: creates the actor, turns its life into gapless, redacted RunEvents, builds the .osoplog
// record. No I/O of its own: the clock, warnings and where the record goes are the caller's options.
import { createActor, type Actor, type Snapshot, type SnapshotFrom } from 'xstate';
import { EventGate, type DeliveredEvent } from '../adapters/event-gate.ts';
import { HumanGate } from '../adapters/human.ts';
import { longClock, setLongTimeout, type LongTimer } from '../adapters/long-timer.ts';
import type { ConditionFailedEmitted, EdgeTakenEmitted } from './actions.ts';
import { CANCEL_EVENT, COST_LIMIT_EVENT, KEPT_EVENTS_EVENT, LIMIT_EVENT, TIMEOUT_EVENT } from './actor-events.ts';
import { CostWatch } from './cost-budget.ts';
import { EventClock } from './event-clock.ts';
import { compileWorkflow, FINAL_STATES, type FinalState, type WorkflowMachine } from './compile.ts';
import { withRestoredActorInputs, type RunContext } from './context.ts';
import { durableNodeStates } from './durable-state.ts';
import { completedVisits, sentVisits } from './resumed-visits.ts';
import { NodeRecordLog } from './node-records.ts';
import { buildOsoplog } from './osoplog.ts';
import { OutputSecrets } from './output-secrets.ts';
import { RunLimitWatch } from './run-limits.ts';
import { RUN_SYSTEM_ID, RunServices } from './run-services.ts';
import { runSubworkflow } from './subworkflow-run.ts';
import { chainRedactors, createRedactor, redactSerialized, type Redactor } from '../util/redact.ts';
import { knownJsonText, rememberJsonText } from '../util/json-text.ts';
import type { ErrorInfo, RunEvent, RunEventBody } from '../events/run-event.ts';
import { checkRunSetup } from './run-setup.ts';
import { DEFAULT_KEPT_EVENTS, type RunHandle, type RunOptions, type RunResult } from './run-options.ts';
import { errorMessage } from '../util/error-message.ts';
import { isRecord } from '../util/is-record.ts';
import { newRunId } from '../util/run-id.ts';
import type { Workflow } from '../osop/workflow.ts';
import { allOutputs, nodeStateOf } from './per-node.ts';

export { RunSetupError } from './run-setup.ts';

type RunSnapshot = SnapshotFrom<WorkflowMachine>;

const INTERRUPTED: Record<FinalState, ErrorInfo | undefined> = {
  COMPLETED: undefined,
  FAILED: undefined,
  TIMEOUT: { message: 'stopped: the workflow timed out', code: 'timeout' },
  COST_LIMIT: { message: 'stopped: the run went over its cost budget', code: 'cost_limit' },
  CANCELLED: { message: 'stopped: the run was cancelled', code: 'cancelled' },
};

/** A persisted snapshot as the store hands it back; XState's restoreSnapshot checks the rest. */
const isPersisted = (value: unknown): value is Snapshot<unknown> => isRecord(value) && typeof value.status === 'string';

function resumedRunId(snapshot: unknown): string | undefined {
  const context = isRecord(snapshot) ? snapshot.context : undefined;
  return isRecord(context) && typeof context.runId === 'string' ? context.runId : undefined;
}

/** The events a resumed run had kept for a node that did not wait yet (absent in snapshots of older versions). */
function keptEventsOf(snapshot: unknown): DeliveredEvent[] {
  const context = isRecord(snapshot) ? snapshot.context : undefined;
  const kept = isRecord(context) ? context.keptEvents : undefined;
  return Array.isArray(kept)
    ? kept.filter((event): event is DeliveredEvent => isRecord(event) && typeof event.name === 'string')
    : [];
}

/** The workflow's timeout, from when the run first started (a resumed run keeps its deadline; older snapshots: now). */
function workflowDeadline(
  timeoutMs: number | undefined,
  context: RunContext,
  now: number,
  expire: () => void,
): LongTimer | undefined {
  if (!timeoutMs) return undefined;
  return setLongTimeout(expire, (context.startedAt ?? now) + timeoutMs - now);
}

/** The final state the run ended in (FAILED when it stopped anywhere else). */
function outcomeOf(snapshot: RunSnapshot): FinalState {
  return FINAL_STATES.find((name) => name === snapshot.value) ?? 'FAILED';
}

/**
 * One run: its actor, the events it publishes (redacted, gapless), what it hands the caller after every transition,
 * and how it ends (remaining nodes reported, the .osoplog kept, the final event, the result).
 */
class RunSession {
  readonly runId: string;
  readonly done: Promise<RunResult>;
  readonly #options: RunOptions;
  readonly #workflow: Workflow;
  readonly #inputs: Record<string, unknown>;
  readonly #clock: () => number;
  readonly #stamps: EventClock;
  readonly #warn: (message: string) => void;
  readonly #redact: Redactor;
  readonly #humanGate: HumanGate;
  readonly #eventGate: EventGate;
  readonly #records: NodeRecordLog;
  readonly #inFlight = new Map<string, { node: string; visit: number }>();
  readonly #keepEvents: number;
  readonly #limits: RunLimitWatch;
  readonly #costs: CostWatch;
  readonly #startedAt: string;
  readonly #actor: Actor<WorkflowMachine>;
  readonly #deadline: LongTimer | undefined;
  #resolveDone: (result: RunResult) => void = () => {};
  /** The latest events only: every event goes to onEvent, and a long run's memory stays flat. */
  #events: RunEvent[] = [];
  #eventCount = 0;
  #seq: number;
  /** running → finishing (the last events still go out) → closed (nothing more is published). */
  #phase: 'running' | 'finishing' | 'closed' = 'running';

  constructor(options: RunOptions) {
    this.#options = options;
    this.#workflow = options.workflow;
    this.#inputs = options.snapshot ? {} : checkRunSetup(options);
    this.runId = options.runId ?? resumedRunId(options.snapshot) ?? newRunId();
    this.#clock = options.clock ?? (() => Date.now());
    this.#stamps = new EventClock(this.#clock);
    this.#warn = options.onWarning ?? (() => {});
    const outputSecrets = new OutputSecrets();
    const redactSecrets = createRedactor({ ...options.masked, ...options.secrets });
    // Stream masking (agent.delta) uses the run's secrets; output secrets are masked in whole values.
    this.#redact = chainRedactors(redactSecrets.masking, redactSecrets, outputSecrets.redact);
    this.#humanGate = options.humanGate ?? new HumanGate();
    // Events kept before a restart come back from the snapshot; those of the command line are kept from the start.
    this.#eventGate = new EventGate([...keptEventsOf(options.snapshot), ...(options.events ?? [])], (events) => {
      if (this.#phase === 'running') this.#actor.send({ type: KEPT_EVENTS_EVENT, events });
    });
    this.#keepEvents = options.keepEvents ?? DEFAULT_KEPT_EVENTS;
    this.#records = new NodeRecordLog(this.#workflow);
    // On a resume, the stored events: the .osoplog covers the whole run, and completed visits are not repeated.
    const priorEvents = options.snapshot ? (options.priorEvents ?? []) : [];
    if (options.writeRecord) for (const event of priorEvents) this.#records.add(event);
    this.#startedAt = new Date(this.#clock()).toISOString();
    this.#seq = options.lastSeq ?? 0;
    // Past a limit the machine is told to fail the run; XState queues an event sent while it is transitioning.
    this.#limits = new RunLimitWatch(options.limits, options.lastSeq ?? 0, (error) =>
      this.#actor.send({ type: LIMIT_EVENT, error }),
    );
    // Past the workflow's budget the run ends COST_LIMIT; the event is sent while the finishing node's actor still
    // runs, so the machine is final before it could start another node.
    this.#costs = new CostWatch(
      this.#workflow,
      (error) => this.#actor.send({ type: COST_LIMIT_EVENT, error }),
      this.#warn,
    );
    this.#costs.replay(priorEvents);
    const durable = durableNodeStates(options.snapshot, (event) => this.#actor.send(event));
    const services = new RunServices({
      workflow: this.#workflow,
      runId: this.runId,
      secrets: options.secrets ?? {},
      executors: options.executors,
      humanGate: this.#humanGate,
      eventGate: this.#eventGate,
      ...(options.simulateEvents ? { simulateEvents: true } : {}),
      dryRun: options.dryRun ?? false,
      redact: this.#redact,
      clock: this.#clock,
      outputSecrets,
      publish: (body, redacted) => this.publish(body, redacted),
      inFlight: this.#inFlight,
      completedBefore: completedVisits(priorEvents),
      sentBefore: sentVisits(priorEvents),
      ...(options.untilStored ? { untilStored: options.untilStored } : {}),
      random: options.random,
      uncertainWindowMs: options.uncertainWindowMs,
      runSubworkflow,
      ...durable,
    });
    // One machine per workflow, shared by its runs: each run's node actors find its services in the actor system.
    this.#actor = createActor(compileWorkflow(this.#workflow), {
      systemId: RUN_SYSTEM_ID,
      input: {
        runId: this.runId,
        inputs: this.#inputs,
        env: options.env ?? {},
        startedAt: this.#clock(),
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.maxVisits ? { maxVisits: options.maxVisits } : {}),
        services,
      },
      ...(isPersisted(options.snapshot) ? { snapshot: withRestoredActorInputs(options.snapshot) } : {}),
      ...(options.inspect ? { inspect: options.inspect } : {}),
      clock: longClock,
    });
    this.#deadline = workflowDeadline(this.#workflow.timeoutMs, this.#actor.getSnapshot().context, this.#clock(), () =>
      this.#actor.send({ type: TIMEOUT_EVENT }),
    );
    this.done = new Promise<RunResult>((resolve) => (this.#resolveDone = resolve));
  }

  start(): RunHandle {
    this.#actor.on('edge.taken', (emitted: EdgeTakenEmitted) => {
      const { type: _type, ...edge } = emitted;
      this.publish({ type: 'edge.taken', ...edge });
    });
    this.#actor.on('condition.failed', ({ node, visit, message }: ConditionFailedEmitted) => {
      this.publish({ type: 'node.failed', node, visit, durationMs: 0, error: { message, code: 'condition' } });
    });
    this.#actor.subscribe({
      next: (snapshot) => this.#transitioned(snapshot),
      error: (failure) => void this.#finish(this.#actor.getSnapshot(), failure),
    });
    if (!this.#options.snapshot)
      this.publish({
        type: 'run.started',
        workflowId: this.#workflow.id,
        workflowName: this.#workflow.name,
        inputs: this.#inputs,
        dryRun: this.#options.dryRun ?? false,
      });
    this.#actor.start();
    return {
      runId: this.runId,
      done: this.done,
      signal: (node, decision) => this.#humanGate.signal(this.runId, node, decision),
      waiting: () => this.#humanGate.waiting(this.runId),
      deliverEvent: (event) => {
        const delivery = this.#eventGate.deliver(event);
        if (!delivery.delivered) this.publish({ type: 'event.kept', name: event.name, data: event.data });
        return delivery;
      },
      awaitingEvents: () => this.#eventGate.waiting(),
      inspect: (observer) => this.#actor.system.inspect(observer),
      cancel: () => this.#actor.send({ type: CANCEL_EVENT }),
    };
  }

  // Events

  /**
   * Adds an event to the run; `redacted` says the body is already scrubbed, so it is not scanned again (its JSON text,
   * when its maker recorded one, is reused).
   */
  publish(body: RunEventBody, redacted = false): void {
    if (this.#phase === 'closed') return;
    // Serialized once: both redactors search that text, and the store and SSE frames reuse it (util/json-text.ts).
    const clean = redacted ? { value: body, json: knownJsonText(body) } : redactSerialized(body, this.#redact);
    const seq = ++this.#seq;
    const at = this.#stamps.iso();
    const event: RunEvent = { ...clean.value, runId: this.runId, seq, at };
    // Kept with the event only for a caller that streams the events and keeps none here (the server): a run that
    // keeps its events (the library's default) would hold each one twice, as an object and as text.
    if (this.#keepEvents === 0 && clean.json !== undefined && !('runId' in body || 'seq' in body || 'at' in body))
      rememberJsonText(
        event,
        `${clean.json.slice(0, -1)},"runId":${JSON.stringify(this.runId)},"seq":${seq},"at":"${at}"}`,
      );
    // The records only make the .osoplog this run hands to its writer (the server builds its own from the store).
    if (this.#options.writeRecord) this.#records.add(event);
    this.#limits.observe(event);
    this.#eventCount += 1;
    this.#events.push(event);
    const keep = this.#keepEvents;
    if (this.#events.length >= 2 * keep) this.#events = keep > 0 ? this.#events.slice(-keep) : [];
    this.#guarded('onEvent', () => this.#options.onEvent?.(event));
    // After the listeners had the event: the run's end (skipped nodes, run.failed) comes after it for them too.
    this.#costs.observe(event);
  }

  /** A listener that throws must not break the run. */
  #guarded(name: string, call: () => void): void {
    try {
      call();
    } catch (failure) {
      this.#warn(`${name} listener threw: ${this.#redact(errorMessage(failure))}`);
    }
  }

  /** Nodes whose actor a transition stopped: failed when the run was interrupted, else skipped. */
  #reportInterrupted(snapshot: RunSnapshot, interrupted: ErrorInfo | undefined): void {
    for (const [actorId, { node, visit }] of [...this.#inFlight]) {
      if (snapshot.status === 'active' && snapshot.children[actorId]) continue;
      this.#inFlight.delete(actorId);
      if (interrupted) this.publish({ type: 'node.failed', node, visit, durationMs: 0, error: interrupted });
      else
        this.publish({
          type: 'node.skipped',
          node,
          reason: snapshot.context.stopped?.[node] ?? 'stopped before it finished: the run moved on without it',
        });
    }
  }

  // Persistence

  /** The persisted snapshot as the run is now (for onTransition: read when it is stored, not after every step). */
  readonly #readSnapshot = (): unknown => this.#actor.getPersistedSnapshot();

  #transitioned(snapshot: RunSnapshot): void {
    const { onSnapshot, onTransition } = this.#options;
    if (onSnapshot) this.#guarded('onSnapshot', () => onSnapshot(this.#readSnapshot()));
    if (onTransition) this.#guarded('onTransition', () => onTransition(this.#readSnapshot));
    if (snapshot.status === 'done') void this.#finish(snapshot);
    else this.#reportInterrupted(snapshot, undefined);
  }

  // Completion

  async #finish(snapshot: RunSnapshot, internal?: unknown): Promise<void> {
    if (this.#phase !== 'running') return;
    this.#phase = 'finishing';
    const { context } = snapshot;
    const state = outcomeOf(snapshot);
    this.#reportInterrupted(snapshot, INTERRUPTED[state]);
    for (const node of this.#workflow.nodes) {
      if (nodeStateOf(context, node.id)?.status !== 'PENDING') continue;
      const reason = context.stopped?.[node.id] ?? context.notes[node.id] ?? 'not reached';
      this.publish({ type: 'node.skipped', node: node.id, reason });
    }
    const error: ErrorInfo = internal
      ? { message: this.#redact(`internal error: ${errorMessage(internal)}`), code: 'internal' }
      : (context.error ?? { message: `run ended in ${state}`, code: state.toLowerCase() });
    const osoplogPath = await this.#keepRecord(state, context, error);
    const durationMs = this.#clock() - Date.parse(this.#startedAt);
    const where = osoplogPath ? { osoplog: osoplogPath } : {};
    if (state === 'COMPLETED') this.publish({ type: 'run.completed', status: 'COMPLETED', durationMs, ...where });
    else this.publish({ type: 'run.failed', status: state, durationMs, error, ...where });
    this.#phase = 'closed';
    this.#deadline?.clear();
    const keep = this.#keepEvents;
    this.#resolveDone({
      runId: this.runId,
      status: state,
      events: keep > 0 ? this.#events.slice(-keep) : [],
      eventCount: this.#eventCount,
      outputs: allOutputs(context),
      ...(osoplogPath ? { osoplogPath } : {}),
    });
  }

  /** Hands the .osoplog record to the caller's writer; where it went, or undefined (none, or it failed: a warning). */
  async #keepRecord(state: FinalState, context: RunContext, error: ErrorInfo): Promise<string | undefined> {
    const write = this.#options.writeRecord;
    if (!write) return undefined;
    const record = buildOsoplog({
      workflow: this.#workflow,
      runId: this.runId,
      status: state,
      startedAt: this.#startedAt,
      endedAt: new Date(this.#clock()).toISOString(),
      events: this.#records,
      dryRun: this.#options.dryRun ?? false,
      inputs: context.inputs,
      emulated: this.#options.emulated,
      cost: this.#costs.record(),
      ...(state === 'COMPLETED' ? {} : { error: error.message }),
    });
    try {
      return await write(this.#redact(record));
    } catch (failure) {
      this.#warn(errorMessage(failure));
      return undefined;
    }
  }
}

/** Starts a run; throws RunSetupError (before anything runs) when an input or secret is missing, CompileError when the graph cannot be compiled. */
export function startRun(options: RunOptions): RunHandle {
  return new RunSession(options).start();
}
