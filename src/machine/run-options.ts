// The runner's public contract: what a caller (CLI, server, tests) gives and gets back.
import type { RunLimits } from './run-limits.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { ExecutorRegistry } from '../adapters/executor.ts';
import type { HumanGate } from '../adapters/human.ts';
import type { DeliveredEvent, EventDelivery, EventWaiting } from '../adapters/event-gate.ts';
import type { HumanDecision } from '../events/human-decision.ts';
import type { RunEvent, RunStatus } from '../events/run-event.ts';
import type { OsoplogRecord } from './osoplog.ts';
import type { InspectionEvent, Observer, Subscription } from 'xstate';

export const DEFAULT_KEPT_EVENTS = 1000;

/**
 * Keeps a finished run's `.osoplog` record (already redacted) and resolves with where it went: the `osoplog` of the
 * final event and RunResult.osoplogPath. It rejects with an Error saying what could not be kept where; the run
 * still ends, and the message becomes a warning.
 */
export type RecordWriter = (record: OsoplogRecord) => Promise<string>;

export interface RunOptions {
  workflow: Workflow;
  inputs?: Record<string, unknown>;
  /** Values for `${secrets.X}`; every value is redacted from everything the run emits. */
  secrets?: Record<string, string>;
  /** Other values to mask in everything the run emits (sopstate's own keys and token), not usable as `${secrets.X}`. */
  masked?: Record<string, string>;
  /** Environment variables expressions may read as `env.X` (only those the user allows). */
  env?: Record<string, string>;
  executors: ExecutorRegistry;
  runId?: string;
  dryRun?: boolean;
  /** Called for every event, in seq order, already redacted. */
  onEvent?: (event: RunEvent) => void;
  /** Keeps the run's `.osoplog` record (store/osoplog-files.ts writes it to a folder); none = not kept. */
  writeRecord?: RecordWriter;
  /** A persisted XState snapshot to resume from (store/). */
  snapshot?: unknown;
  /** The events already stored for this run, when resuming: a visit they show completed is not run again. */
  priorEvents?: RunEvent[];
  /** seq of the last event already stored, when resuming. */
  lastSeq?: number;
  /**
   * For a caller that stores onEvent's events behind the run (the server): resolves once every event handed to
   * onEvent so far is stored. A keyed Stripe POST waits for it, so its node.request is stored before it leaves, and
   * a run resumed from the store treats that visit as possibly done (never a fallback that would charge again).
   */
  untilStored?: () => Promise<void>;
  /**
   * Called after every transition with XState's persisted snapshot. Making it copies the run's whole context, so a
   * long run pays for its size on every step: a caller that keeps only the latest one wants onTransition.
   */
  onSnapshot?: (snapshot: unknown) => void;
  /**
   * Called after every transition with a reader of XState's persisted snapshot as the run is when it is called: for a
   * caller that keeps only the latest snapshot (the server's write-behind reads it once per write, not per step).
   */
  onTransition?: (readSnapshot: () => unknown) => void;
  /** Problems that do not stop the run (the .osoplog not written, a listener that threw); none = not reported. */
  onWarning?: (message: string) => void;
  /** Epoch ms for event times, durations and the workflow deadline (tests); default Date.now. */
  clock?: () => number;
  /** XState inspection observer (inspector / offline inspection stream). */
  inspect?: (inspectionEvent: unknown) => void;
  /** Where `human` nodes wait; share it with executors built by createLocalExecutors({ humanGate }). Default: the run's own. */
  humanGate?: HumanGate;
  /** Events delivered before the run waits for them (`sopstate run --event`): each goes to the first node to wait for its name. */
  events?: DeliveredEvent[];
  /** Targets of `event` edges do not wait for their event (path tests: the node's stub decides its outcome). */
  simulateEvents?: boolean;
  /** Node visits the run may make in all before it fails with visit_limit (default 100,000). */
  maxVisits?: number;
  /** Events and output bytes the run may reach before it fails with event_limit / context_limit (run-limits.ts). */
  limits?: Partial<RunLimits>;
  /** Services the executors reach through sopstate's emulators; the .osoplog names them. */
  emulated?: string[];
  /** How many of the latest events RunResult.events keeps (default 1,000); every event reaches onEvent. */
  keepEvents?: number;
  /** Jitter source for retry backoff, in [0, 1) (tests). */
  random?: () => number;
  /**
   * How long a Stripe call whose outcome is unknown (5xx, timeout, lost answer) is repeated with its
   * Idempotency-Key before the run ends "outcome unknown — reconcile by hand". Default 24 h.
   */
  uncertainWindowMs?: number;
}

export interface RunResult {
  runId: string;
  status: Exclude<RunStatus, 'RUNNING'>;
  /** The last `keepEvents` events of the run (all of a short run); collect them through onEvent for a long one. */
  events: RunEvent[];
  /** How many events this run emitted in all (since it was resumed, for a resumed run). */
  eventCount: number;
  outputs: Record<string, Record<string, unknown>>;
  osoplogPath?: string;
}

export interface RunHandle {
  runId: string;
  /** Resolves when the run reaches a final state. */
  done: Promise<RunResult>;
  /** Delivers a decision to a waiting `human` node; false when that node is not waiting. */
  signal(node: string, decision: HumanDecision): boolean;
  /** Nodes currently waiting for a human signal. */
  waiting(): string[];
  /** Delivers a named event: to the node waiting for it, else kept until one waits (see docs/semantics.md). */
  deliverEvent(event: DeliveredEvent): EventDelivery;
  /** Nodes currently waiting at an `event` edge, with the events they wait for. */
  awaitingEvents(): EventWaiting[];
  /**
   * Follows XState's inspection events of the running actor and its children from now on, until unsubscribed. XState
   * builds none while nothing follows, so a caller that only sometimes watches attaches here instead of `inspect`.
   */
  inspect(observer: Observer<InspectionEvent> | ((inspectionEvent: InspectionEvent) => void)): Subscription;
  cancel(): void;
}
