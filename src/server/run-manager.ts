// Starts runs, persists every event and snapshot, fans events out live, and restores runs a
// previous process left RUNNING. The runner itself is injected (`startRun`), so tests can fake it.
import { randomUUID } from 'node:crypto';
import type { ExecutorRegistry } from '../adapters/executor.ts';
import type { Workflow } from '../osop/workflow.ts';
import { createRedactor } from '../machine/redact.ts';
import { retrySnapshot, reusedOutputs } from '../machine/retry-snapshot.ts';
import type { RunEvent, RunEventBody } from '../machine/run-event.ts';
import type { HumanDecision, RunHandle, RunOptions } from '../machine/run-options.ts';
import type { RunRecord, RunRecordWithSnapshot, RunStore } from '../store/run-store.ts';
import { EventHub, type Subscription } from './event-hub.ts';

export type StartRun = (options: RunOptions) => RunHandle;

export type SecretSource = (name: string) => string | undefined;

export interface RunManagerOptions {
  store: RunStore;
  startRun: StartRun;
  /** Executors for one run (a fresh registry per run). */
  createExecutors: () => ExecutorRegistry;
  /** Loads the workflow a stored run was started from, to restore it. */
  loadWorkflow: (run: RunRecord) => Promise<Workflow>;
  hub?: EventHub;
  /** Looks up `${secrets.NAME}`; a run gets only the secrets its workflow uses. */
  secret?: SecretSource;
  /** sopstate's own keys and token: masked in every run, whatever its workflow uses. */
  masked?: Record<string, string>;
  env?: Record<string, string>;
  logDir?: string;
  /** Where persistence problems are reported (never with secrets). */
  log?: (message: string) => void;
  /** Restarts that may resume one run without a clean stop in between; the next one fails it (crash loop). */
  maxResumeAttempts?: number;
}

export const DEFAULT_MAX_RESUME_ATTEMPTS = 3;

export type SignalResult = 'delivered' | 'not-waiting' | 'not-running';

export interface RestoreReport {
  restored: string[];
  failed: Array<{ runId: string; reason: string }>;
}

export class RunManager {
  readonly hub: EventHub;
  readonly #options: RunManagerOptions;
  readonly #live = new Map<string, RunHandle>();
  #closed = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
    this.hub = options.hub ?? new EventHub();
  }

  start(workflow: Workflow, inputs: Record<string, unknown>): RunRecord {
    const runId = randomUUID();
    const record = this.#options.store.createRun({
      id: runId,
      workflowId: workflow.id,
      workflowFile: workflow.file,
      inputs: createRedactor({ ...this.#options.masked, ...this.#secretsFor(workflow) })(inputs),
    });
    try {
      this.#launch({ workflow, inputs, runId });
    } catch (error) {
      this.#fail(record, error instanceof Error ? error.message : String(error), 'start_failed');
      throw error;
    }
    return record;
  }

  /**
   * A new run of `workflow` that starts at `from` with the outputs `previous` had gathered before it: the nodes
   * before it (and their Stripe calls) are not repeated. Throws RetryError when that cannot be built.
   */
  retry(previous: RunRecordWithSnapshot, workflow: Workflow, from: string, inputs: Record<string, unknown>): RunRecord {
    const runId = randomUUID();
    const snapshot = retrySnapshot(workflow, previous.snapshot, { runId, from, inputs });
    const redact = createRedactor(this.#secretsFor(workflow));
    const record = this.#options.store.createRun({ id: runId, workflowId: workflow.id, workflowFile: workflow.file, inputs: redact(inputs) });
    const started: RunEventBody = {
      type: 'run.started',
      workflowId: workflow.id,
      workflowName: workflow.name,
      inputs: redact(inputs),
      dryRun: false,
      retryOf: { runId: previous.id, node: from, reused: reusedOutputs(snapshot) },
    };
    this.#record({ ...started, runId, seq: 1, at: new Date().toISOString() } as RunEvent, undefined);
    try {
      this.#launch({ workflow, inputs, runId, snapshot, lastSeq: 1 });
    } catch (error) {
      this.#fail(record, error instanceof Error ? error.message : String(error), 'start_failed');
      throw error;
    }
    return record;
  }

  /** Continues every run a previous process left RUNNING from its last snapshot. */
  async restore(): Promise<RestoreReport> {
    const report: RestoreReport = { restored: [], failed: [] };
    const maxAttempts = this.#options.maxResumeAttempts ?? DEFAULT_MAX_RESUME_ATTEMPTS;
    for (const run of this.#options.store.runningRuns()) {
      if (run.resumeAttempts >= maxAttempts) {
        const reason =
          `resumed ${run.resumeAttempts} times and the server stopped each time before the run ended ` +
          '(it may be what takes the process down); not resuming it again';
        this.#fail(run, reason, 'resume_limit');
        report.failed.push({ runId: run.id, reason });
        continue;
      }
      this.#options.store.countResumeAttempt(run.id);
      try {
        await this.#resume(run);
        report.restored.push(run.id);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#fail(run, `could not resume after a restart: ${reason}`, 'restore_failed');
        report.failed.push({ runId: run.id, reason });
      }
    }
    return report;
  }

  isLive(runId: string): boolean {
    return this.#live.has(runId);
  }

  waiting(runId: string): string[] {
    return this.#live.get(runId)?.waiting() ?? [];
  }

  signal(runId: string, node: string, decision: HumanDecision): SignalResult {
    const handle = this.#live.get(runId);
    if (!handle) return 'not-running';
    return handle.signal(node, decision) ? 'delivered' : 'not-waiting';
  }

  cancel(runId: string): boolean {
    const handle = this.#live.get(runId);
    if (!handle) return false;
    handle.cancel();
    return true;
  }

  subscribe(runId: string): Subscription {
    return this.hub.subscribe(runId);
  }

  /** Stops live runs without recording an end: they stay RUNNING and resume on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    const handles = [...this.#live.values()];
    for (const runId of this.#live.keys()) this.#options.store.resetResumeAttempts(runId);
    this.#live.clear();
    for (const handle of handles) handle.cancel();
    await Promise.allSettled(handles.map((handle) => handle.done));
  }

  async #resume(run: RunRecordWithSnapshot): Promise<void> {
    const workflow = await this.#options.loadWorkflow(run);
    if (workflow.id !== run.workflowId) {
      throw new Error(`${run.workflowFile} now holds workflow ${workflow.id}, not ${run.workflowId}`);
    }
    const priorEvents = this.#options.store.eventsAfter(run.id, 0, Math.max(1, run.lastSeq));
    this.#launch({ workflow, inputs: run.inputs, runId: run.id, snapshot: run.snapshot, lastSeq: run.lastSeq, priorEvents });
  }

  #launch(options: Pick<RunOptions, 'workflow' | 'inputs' | 'runId' | 'snapshot' | 'lastSeq' | 'priorEvents'>): void {
    const runId = options.runId as string;
    const { store } = this.#options;
    let handle: RunHandle | undefined;
    handle = this.#options.startRun({
      ...options,
      secrets: this.#secretsFor(options.workflow),
      masked: this.#options.masked,
      env: this.#options.env,
      logDir: this.#options.logDir,
      executors: this.#options.createExecutors(),
      onEvent: (event) => this.#record(event, handle),
      onSnapshot: (snapshot) => {
        if (!this.#closed) store.saveSnapshot(runId, snapshot);
      },
    });
    const live = handle;
    this.#live.set(runId, live);
    live.done
      .catch((error: unknown) => this.#log(`run ${runId} ended with an error: ${String(error)}`))
      .finally(() => {
        if (this.#live.get(runId) === live) this.#live.delete(runId);
        const stored = store.getRun(runId);
        if (!this.#closed && stored?.status === 'RUNNING') this.#fail(stored, 'the run ended without a final event', 'runner_error');
        this.hub.end(runId);
      });
  }

  #record(written: RunEvent, handle: RunHandle | undefined): void {
    if (this.#closed) return;
    // Where the file lies on the host is no client's business; the route serves the same record.
    const event = 'osoplog' in written && written.osoplog ? { ...written, osoplog: `/api/runs/${written.runId}/osoplog` } : written;
    try {
      this.#options.store.appendEvent(event);
    } catch (error) {
      this.#log(`run ${event.runId}: could not store event ${event.seq} (${String(error)}); cancelling the run`);
      handle?.cancel();
      return;
    }
    this.hub.publish(event);
  }

  /** Ends a run the runner could not take on, so it is not left RUNNING forever. */
  #fail(run: RunRecord, message: string, code: string): void {
    const lastSeq = this.#options.store.getRun(run.id)?.lastSeq ?? run.lastSeq;
    const body: RunEventBody = {
      type: 'run.failed',
      status: 'FAILED',
      durationMs: Date.now() - Date.parse(run.createdAt),
      error: { message, code },
    };
    const event = { ...body, runId: run.id, seq: lastSeq + 1, at: new Date().toISOString() } as RunEvent;
    this.#options.store.appendEvent(event);
    this.hub.publish(event);
    this.hub.end(run.id);
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
