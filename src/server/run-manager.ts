// Starts runs, persists every event and snapshot (ordered write-behind, fenced by the run's epoch), fans events
// out live, and restores runs a previous process left RUNNING. The runner itself is injected (`startRun`), so
// tests can fake it.
import { randomUUID } from 'node:crypto';
import type { DeliveredEvent, EventDelivery, EventWaiting } from '../adapters/event-gate.ts';
import { NodeError, type ExecutorRegistry } from '../adapters/executor.ts';
import type { Workflow } from '../osop/workflow.ts';
import { createRedactor } from '../util/redact.ts';
import { retrySnapshot, reusedOutputs } from '../machine/retry-snapshot.ts';
import type { RunEvent, RunEventBody } from '../events/run-event.ts';
import type { HumanDecision } from '../events/human-decision.ts';
import type { RunHandle, RunOptions } from '../machine/run-options.ts';
import type { CreatedOnce, IdempotencyKey } from '../store/idempotency-store.ts';
import type { NewRun, RunRecord, RunRecordWithSnapshot } from '../store/run-store.ts';
import type { RunClaim, Store } from '../store/store.ts';
import { EventHub, type Subscription } from './event-hub.ts';
import { OsoplogKeeper } from './osoplog-keeper.ts';
import { viewRun } from './run-view.ts';
import { RunWriter } from './run-writer.ts';
import { errorMessage } from '../util/error-message.ts';
import { createLocalExecutors } from '../adapters/local.ts';
import { planDryRunInSlices, type DryRunPlan } from '../paths/dry-run-plan.ts';
import { fileHash } from './workflow-catalog.ts';
import { newRunId } from '../util/run-id.ts';
import { WriteTurn } from './write-turn.ts';

export type StartRun = (options: RunOptions) => RunHandle;

export type SecretSource = (name: string) => string | undefined;

export interface RunManagerOptions {
  store: Store;
  startRun: StartRun;
  /** Executors for one run (a fresh registry per run). */
  createExecutors: () => ExecutorRegistry;
  /** Loads the workflow a stored run was started from, to restore it. */
  loadWorkflow: (run: RunRecord) => Promise<Workflow>;
  hub?: EventHub;
  /** Cluster mode with placement: puts a new run on the shared queue instead of driving it here. */
  place?: (runId: string) => Promise<void>;
  /** Cluster mode: how to reach runs driven by other nodes. */
  remote?: RemoteRuns;
  /** Who claims runs (the run row's owner); unique per process start. */
  nodeId?: string;
  /** Looks up `${secrets.NAME}`; a run gets only the secrets its workflow uses. */
  secret?: SecretSource;
  /** sopstate's own keys and token: masked in every run, whatever its workflow uses. */
  masked?: Record<string, string>;
  env?: Record<string, string>;
  /**
   * Keeps each finished run's .osoplog text as a file too (store/osoplog-files.ts: a folder); none = only in the store.
   * Written after the run's followers have its final event, from the stored events (a resumed run's whole story).
   */
  writeOsoplog?: (runId: string, yaml: string) => Promise<unknown>;
  /** Where persistence problems and run warnings are reported (never with secrets). */
  log?: (message: string) => void;
  /** Restarts that may resume one run without a clean stop in between; the next one fails it (crash loop). */
  maxResumeAttempts?: number;
  /** sha256 of the document a workflow was loaded from (the catalog keeps it); default: its file, read now. */
  workflowHash?: (workflow: Workflow) => Promise<string | undefined>;
}

export const DEFAULT_MAX_RESUME_ATTEMPTS = 3;

export type SignalResult = 'delivered' | 'not-waiting' | 'not-running';

/** Runs other nodes of a cluster drive: decisions and cancels go to their owner, their events are followed here. */
interface RemoteRuns {
  signal(runId: string, node: string, decision: HumanDecision): Promise<void>;
  cancel(runId: string): Promise<void>;
  follow(runId: string): void;
  following(runId: string): boolean;
  /** Whether the run is still held under this claim epoch: a node frozen past its heartbeat lost it meanwhile. */
  holds(runId: string, epoch: number): Promise<boolean>;
}

export interface RestoreReport {
  restored: string[];
  failed: Array<{ runId: string; reason: string }>;
}

interface LiveRun {
  handle: RunHandle;
  writer: RunWriter;
  /** Resolves once the run's end is recorded (or it stopped here). */
  settled: Promise<void>;
}

export class RunManager {
  readonly hub: EventHub;
  readonly nodeId: string;
  readonly #options: RunManagerOptions;
  readonly #live = new Map<string, LiveRun>();
  /** Keeps the finished runs' .osoplogs, in batches behind the runs' own work. */
  readonly #osoplogs: OsoplogKeeper;
  /** The runs' writers flush in one turn, and their writes commit in it (write-turn.ts). */
  readonly #writeTurn: WriteTurn;
  #closed = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
    this.hub = options.hub ?? new EventHub();
    this.nodeId = options.nodeId ?? `node-${randomUUID()}`;
    this.#osoplogs = new OsoplogKeeper({
      store: options.store,
      write: options.writeOsoplog,
      log: (message) => this.#log(message),
    });
    this.#writeTurn = new WriteTurn(options.store);
  }

  /** `dryRun`: walk the workflow along the plan's path, calling nothing (docs/semantics.md "Dry runs"). */
  async start(workflow: Workflow, inputs: Record<string, unknown>, dryRun?: DryRunPlan): Promise<RunRecord> {
    const run = await this.#newRun(workflow, inputs);
    return this.#begin(await this.#options.store.createRun(run), workflow, inputs, dryRun);
  }

  /**
   * Starts the run unless `key` already started one (on any node of a cluster): then nothing starts and what the key
   * holds is given back, for the caller to replay or refuse.
   */
  async startOnce(
    workflow: Workflow,
    inputs: Record<string, unknown>,
    key: IdempotencyKey,
    dryRun?: DryRunPlan,
  ): Promise<CreatedOnce> {
    const once = await this.#options.store.createRunOnce(await this.#newRun(workflow, inputs), key);
    return 'earlier' in once ? once : { created: await this.#begin(once.created, workflow, inputs, dryRun) };
  }

  async #newRun(workflow: Workflow, inputs: Record<string, unknown>): Promise<NewRun> {
    return {
      id: newRunId(),
      workflowId: workflow.id,
      workflowFile: workflow.file,
      inputs: createRedactor({ ...this.#options.masked, ...this.#secretsFor(workflow) })(inputs),
      workflowHash: await this.#workflowHash(workflow),
    };
  }

  /** Puts a stored new run on the cluster's queue, or drives it here. */
  async #begin(
    record: RunRecord,
    workflow: Workflow,
    inputs: Record<string, unknown>,
    dryRun?: DryRunPlan,
  ): Promise<RunRecord> {
    const runId = record.id;
    // The stored run does not say it is a dry run until its first event: another node would drive it live.
    if (this.#options.place && !dryRun) {
      await this.#options.place(runId);
      return record;
    }
    const claim = await this.#claim(runId);
    try {
      this.#launch({ workflow, inputs, runId }, claim, dryRun);
    } catch (error) {
      await this.#fail(record, claim.epoch, errorMessage(error), 'start_failed');
      throw error;
    }
    return record;
  }

  /**
   * A new run of `workflow` that starts at `from` with the outputs `previous` had gathered before it: the nodes
   * before it (and their Stripe calls) are not repeated. Throws RetryError when that cannot be built.
   */
  async retry(
    previous: RunRecordWithSnapshot,
    workflow: Workflow,
    from: string,
    inputs: Record<string, unknown>,
  ): Promise<RunRecord> {
    const runId = newRunId();
    const snapshot = retrySnapshot(workflow, previous.snapshot, { runId, from, inputs });
    const redact = createRedactor(this.#secretsFor(workflow));
    const record = await this.#options.store.createRun({
      id: runId,
      workflowId: workflow.id,
      workflowFile: workflow.file,
      inputs: redact(inputs),
      workflowHash: await this.#workflowHash(workflow),
    });
    const started: RunEventBody = {
      type: 'run.started',
      workflowId: workflow.id,
      workflowName: workflow.name,
      inputs: redact(inputs),
      dryRun: false,
      retryOf: { runId: previous.id, node: from, reused: reusedOutputs(snapshot) },
    };
    const event = { ...started, runId, seq: 1, at: new Date().toISOString() } as RunEvent;
    if (this.#options.place) {
      // The node that drives it resumes from this snapshot, stored with the first event before anyone claims the
      // run (epoch 0): the first claim is then the first drive, not a resume.
      if (await this.#options.store.writeRun(runId, 0, { events: [event], snapshot })) this.hub.publish(event);
      await this.#options.place(runId);
      return record;
    }
    const claim = await this.#claim(runId);
    if (await this.#options.store.writeRun(runId, claim.epoch, { events: [event], snapshot })) this.hub.publish(event);
    try {
      this.#launch({ workflow, inputs, runId, snapshot, lastSeq: 1 }, { ...claim, lastSeq: 1 });
    } catch (error) {
      await this.#fail(record, claim.epoch, errorMessage(error), 'start_failed');
      throw error;
    }
    return record;
  }

  /** Continues every run a previous process left RUNNING from its last snapshot. */
  async restore(): Promise<RestoreReport> {
    const report: RestoreReport = { restored: [], failed: [] };
    for (const run of await this.#options.store.runningRuns()) {
      const claim = await this.#options.store.claimRun(run.id, this.nodeId);
      if (!claim) continue;
      const limit = await this.#resumeLimit(run, claim, 'the server stopped');
      if (limit) {
        report.failed.push({ runId: run.id, reason: limit });
        continue;
      }
      const result = await this.#resumeClaimed(run, claim);
      if (result === true) report.restored.push(run.id);
      else report.failed.push({ runId: run.id, reason: result });
    }
    return report;
  }

  /**
   * Counts one more resume of the run; when it was already resumed the most times allowed without a clean stop in
   * between, ends it FAILED instead (it may be what takes the process down) and says why.
   */
  async #resumeLimit(run: RunRecordWithSnapshot, claim: RunClaim, stopped: string): Promise<string | undefined> {
    const maxAttempts = this.#options.maxResumeAttempts ?? DEFAULT_MAX_RESUME_ATTEMPTS;
    if (run.resumeAttempts < maxAttempts) {
      await this.#options.store.countResumeAttempt(run.id);
      return undefined;
    }
    const reason =
      `resumed ${run.resumeAttempts} times and ${stopped} each time before the run ended ` +
      '(it may be what takes the process down); not resuming it again';
    await this.#fail({ ...run, lastSeq: claim.lastSeq }, claim.epoch, reason, 'resume_limit');
    return reason;
  }

  /**
   * Drives a claimed RUNNING run on from its snapshot: true when it runs here, else why it could not be resumed
   * (it is then ended as FAILED).
   */
  async #resumeClaimed(run: RunRecord, claim: RunClaim): Promise<true | string> {
    try {
      const workflow = await this.#options.loadWorkflow(run);
      if (workflow.id !== run.workflowId) {
        throw new Error(`${run.workflowFile} now holds workflow ${workflow.id}, not ${run.workflowId}`);
      }
      const hash = await this.#workflowHash(workflow);
      if (run.workflowHash && hash && hash !== run.workflowHash) {
        throw new Error(
          `${run.workflowFile} changed since run ${run.id} started (sha256 ${run.workflowHash.slice(0, 12)}…, ` +
            `now ${hash.slice(0, 12)}…): resuming it would mix two workflows; restore the original file to resume it`,
        );
      }
      // Visits the stored events show completed are not run or reported again.
      const priorEvents = await this.#options.store.eventsAfter(run.id, 0, Math.max(1, claim.lastSeq));
      // A dry run goes on as a dry run, along the happy path (which path it followed is not stored).
      const [first] = priorEvents;
      const dryRun = first?.type === 'run.started' && first.dryRun ? await planDryRunInSlices(workflow) : undefined;
      this.#launch(
        { workflow, inputs: run.inputs, runId: run.id, snapshot: claim.snapshot, lastSeq: claim.lastSeq, priorEvents },
        claim,
        dryRun,
      );
      return true;
    } catch (error) {
      const reason = errorMessage(error);
      await this.#fail(
        { ...run, lastSeq: claim.lastSeq },
        claim.epoch,
        `could not resume after a restart: ${reason}`,
        'restore_failed',
      );
      return reason;
    }
  }

  /**
   * Drives a stored run here until it ends or another node takes it over (placement calls this); its status.
   * A run claimed before was held by a node that died or stopped before it ended, and came back through the queue:
   * that counts as a resume, so a run that takes every node driving it down ends FAILED instead of looping.
   */
  async drive(runId: string): Promise<string> {
    // A node that is stopping never finishes the step: the run stays PENDING in DBOS and is re-queued elsewhere.
    const stopping = () => new Promise<string>(() => {});
    if (this.#closed) return stopping();
    const run = await this.#options.store.getRun(runId);
    if (!run || run.status !== 'RUNNING') return run?.status ?? 'UNKNOWN';
    const claim = await this.#options.store.claimRun(runId, this.nodeId);
    if (!claim) return (await this.#options.store.getRun(runId))?.status ?? 'UNKNOWN';
    if (claim.epoch > 1 && (await this.#resumeLimit(run, claim, 'the node driving it stopped'))) return 'FAILED';
    const resumed = await this.#resumeClaimed(run, claim);
    const live = this.#live.get(runId);
    if (resumed === true && live) await live.settled;
    if (this.#closed) return stopping();
    const after = await this.#options.store.getRun(runId);
    return after?.status === 'RUNNING' ? 'TAKEN_OVER' : (after?.status ?? 'UNKNOWN');
  }

  /** Whether more events may come here: the run is driven here, or followed from the node driving it. */
  isLive(runId: string): boolean {
    return this.#live.has(runId) || (this.#options.remote?.following(runId) ?? false);
  }

  /** Whether this node drives the run. */
  drives(runId: string): boolean {
    return this.#live.has(runId);
  }

  liveRunIds(): string[] {
    return [...this.#live.keys()];
  }

  waiting(runId: string): string[] {
    return this.#live.get(runId)?.handle.waiting() ?? [];
  }

  /** The claim epoch the run is driven here under (cluster fencing); undefined when this node does not drive it. */
  epochOf(runId: string): number | undefined {
    return this.#live.get(runId)?.writer.epoch;
  }

  /**
   * Another node took the run over (this one was silent past the heartbeat timeout): stops it here without writing
   * anything more, so what it still held (a waiting human node, kept events) never swallows a decision or a cancel.
   */
  release(runId: string): boolean {
    const live = this.#live.get(runId);
    // A stopped writer: released, fenced off or failed already, and stopping.
    if (!live?.writer.active) return false;
    this.#log(`run ${runId} was taken over by another node; stopping it here`);
    live.writer.stop();
    // Not driven here from now on: decisions, cancels and events go to the owner, not to this stopping copy.
    this.#live.delete(runId);
    live.handle.cancel();
    return true;
  }

  /** In a cluster, checks with the store that the run driven here is still ours; releases it when it is not. */
  async #confirmDriven(runId: string): Promise<void> {
    const epoch = this.epochOf(runId);
    const remote = this.#options.remote;
    if (epoch === undefined || !remote || (await remote.holds(runId, epoch))) return;
    if (this.epochOf(runId) === epoch) this.release(runId);
  }

  /** Delivers a decision here, or (cluster) to the node driving the run when its stored events say it waits. */
  async signal(runId: string, node: string, decision: HumanDecision): Promise<SignalResult> {
    await this.#confirmDriven(runId);
    const local = this.signalLocal(runId, node, decision);
    const remote = this.#options.remote;
    if (local !== 'not-running' || !remote) return local;
    const run = await this.#options.store.getRun(runId);
    if (run?.status !== 'RUNNING') return 'not-running';
    const events = await this.#options.store.eventsAfter(runId, 0, Number.MAX_SAFE_INTEGER);
    if (!viewRun(run, events, []).waiting.includes(node)) return 'not-waiting';
    await remote.signal(runId, node, decision);
    return 'delivered';
  }

  signalLocal(runId: string, node: string, decision: HumanDecision): SignalResult {
    const live = this.#live.get(runId);
    if (!live) return 'not-running';
    return live.handle.signal(node, decision) ? 'delivered' : 'not-waiting';
  }

  /**
   * Delivers a named event to a run driven here: to the node waiting for it, else kept for the first node to wait
   * for it. 'not-running' when the run is not driven here (ended, or driven by another node of a cluster).
   */
  async deliverEvent(runId: string, event: DeliveredEvent): Promise<EventDelivery | 'not-running'> {
    await this.#confirmDriven(runId);
    const live = this.#live.get(runId);
    return live ? live.handle.deliverEvent(event) : 'not-running';
  }

  awaitingEvents(runId: string): EventWaiting[] {
    return this.#live.get(runId)?.handle.awaitingEvents() ?? [];
  }

  /** Cancels the run here, or (cluster) asks the node driving it; false when it is not running. */
  async cancel(runId: string): Promise<boolean> {
    await this.#confirmDriven(runId);
    if (this.cancelLocal(runId)) return true;
    const remote = this.#options.remote;
    if (!remote || (await this.#options.store.getRun(runId))?.status !== 'RUNNING') return false;
    await remote.cancel(runId);
    return true;
  }

  cancelLocal(runId: string): boolean {
    const live = this.#live.get(runId);
    if (!live) return false;
    live.handle.cancel();
    return true;
  }

  subscribe(runId: string): Subscription {
    const subscription = this.hub.subscribe(runId);
    if (!this.#live.has(runId)) this.#options.remote?.follow(runId);
    return subscription;
  }

  /** Stops live runs without recording an end: they stay RUNNING and resume on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    const live = [...this.#live.values()];
    // Nothing a run does from here is stored: its snapshot is the one that goes with the events already taken.
    for (const { writer } of live) writer.seal();
    // A clean stop: these runs did not take the process down, so their resume attempts start over.
    const reset = [...this.#live.keys()].map((runId) => this.#options.store.resetResumeAttempts(runId));
    this.#live.clear();
    // What the runs emitted before the stop is stored (as one batch each), then nothing more.
    await Promise.allSettled(live.map(({ writer }) => writer.idle()));
    for (const { handle, writer } of live) {
      writer.stop();
      handle.cancel();
    }
    // `settled` ends each run's followers (hub.end) before the caller closes the store under them.
    await Promise.allSettled([...reset, ...live.map(({ settled }) => settled), this.#osoplogs.kept()]);
  }

  async #claim(runId: string): Promise<RunClaim> {
    const claim = await this.#options.store.claimRun(runId, this.nodeId);
    if (!claim) throw new Error(`run ${runId} could not be claimed`);
    return claim;
  }

  #launch(
    options: Pick<RunOptions, 'workflow' | 'inputs' | 'runId' | 'snapshot' | 'lastSeq' | 'priorEvents'>,
    claim: RunClaim,
    dryRun?: DryRunPlan,
  ): void {
    const runId = options.runId as string;
    const { store } = this.#options;
    // Assigned once below, but the writer's callbacks refer to it first (they run later, if at all).
    // eslint-disable-next-line prefer-const
    let handle: RunHandle | undefined;
    const writer = new RunWriter({
      store,
      turn: this.#writeTurn,
      runId,
      epoch: claim.epoch,
      onStored: (events) => {
        for (const event of events) this.hub.publish(event);
      },
      onLost: () => {
        this.#log(`run ${runId} was taken over by another node; stopping it here`);
        handle?.cancel();
      },
      onError: (error, events) => {
        this.#log(
          `run ${runId}: could not store event ${events[0]?.seq ?? '(snapshot)'} (${String(error)}); cancelling the run`,
        );
        handle?.cancel();
      },
    });
    handle = this.#options.startRun({
      ...options,
      secrets: this.#secretsFor(options.workflow),
      masked: this.#options.masked,
      env: this.#options.env,
      // The .osoplog is built once, from the stored events, off the run's path (#keepOsoplog).
      writeRecord: undefined,
      onWarning: (message) => this.#log(`run ${runId}: ${message}`),
      ...(dryRun
        ? { dryRun: true, executors: createLocalExecutors({ dryRun: true, dryRunExecutor: dryRun.executor }) }
        : { executors: this.#options.createExecutors() }),
      // Every event streams to the store; the server never reads RunResult.events.
      keepEvents: 0,
      onEvent: (event) => {
        if (!this.#closed) writer.event(this.#publicEvent(event));
      },
      onTransition: (readSnapshot) => {
        if (!this.#closed) writer.snapshot(readSnapshot);
      },
      untilStored: async () => {
        await writer.idle();
        // Stopping here or fenced off: nothing more is stored, so nothing more may be sent.
        if (this.#closed || !writer.active) {
          throw new NodeError(`run ${runId} is no longer stored by this server: the request was not sent`, {
            code: 'aborted',
          });
        }
      },
    });
    const settled = handle.done
      .catch((error: unknown) => this.#log(`run ${runId} ended with an error: ${String(error)}`))
      .then(() => writer.idle())
      .then(() => this.#settle(runId, writer))
      .catch((error: unknown) => this.#log(`run ${runId}: could not record its end (${String(error)})`))
      .finally(() => {
        if (this.#live.get(runId) === live) this.#live.delete(runId);
        this.hub.end(runId);
        // Off the hot path: the followers have their final event; until it is kept, the route rebuilds the same text.
        if (writer.active && !this.#closed) this.#osoplogs.keep(runId, options.workflow);
      });
    const live: LiveRun = { handle, writer, settled };
    this.#live.set(runId, live);
  }

  /** After the runner stopped: end a run that stopped without a final event. */
  async #settle(runId: string, writer: RunWriter): Promise<void> {
    if (this.#closed || !writer.active || writer.ended) return;
    const stored = await this.#options.store.getRun(runId);
    if (stored?.status === 'RUNNING') {
      await this.#fail(stored, writer.epoch, 'the run ended without a final event', 'runner_error');
    }
  }

  /** Resolves once every .osoplog queued so far is kept (in the store, and as a file when it writes them). */
  osoplogsKept(): Promise<void> {
    return this.#osoplogs.kept();
  }

  /** Where the file lies on the host is no client's business; the route serves the same record. */
  #publicEvent(written: RunEvent): RunEvent {
    // Every final event names the route: the record is kept behind it (and rebuilt there until it is).
    return written.type === 'run.completed' || written.type === 'run.failed'
      ? { ...written, osoplog: `/api/runs/${written.runId}/osoplog` }
      : written;
  }

  /** Ends a run the runner could not take on, so it is not left RUNNING forever. */
  async #fail(run: RunRecord, epoch: number, message: string, code: string): Promise<void> {
    const lastSeq = (await this.#options.store.getRun(run.id))?.lastSeq ?? run.lastSeq;
    const body: RunEventBody = {
      type: 'run.failed',
      status: 'FAILED',
      durationMs: Date.now() - Date.parse(run.createdAt),
      error: { message, code },
    };
    const event = { ...body, runId: run.id, seq: lastSeq + 1, at: new Date().toISOString() } as RunEvent;
    if (await this.#options.store.writeRun(run.id, epoch, { events: [event] })) this.hub.publish(event);
    this.hub.end(run.id);
  }

  #workflowHash(workflow: Workflow): Promise<string | undefined> {
    return this.#options.workflowHash ? this.#options.workflowHash(workflow) : fileHash(workflow.file);
  }

  #secretsFor(workflow: Workflow): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const name of workflow.secrets) {
      const value = this.#options.secret?.(name);
      if (value) secrets[name] = value;
    }
    return secrets;
  }

  #log(message: string): void {
    (this.#options.log ?? ((m) => process.stderr.write(`${m}\n`)))(message);
  }
}
