// The runner's public contract: what a caller (CLI, server, tests) gives and gets back.
import type { Workflow } from '../osop/workflow.ts';
import type { ExecutorRegistry } from '../adapters/executor.ts';
import type { HumanGate } from '../adapters/human.ts';
import type { RunEvent, RunStatus } from './run-event.ts';

export interface HumanDecision {
  decision: 'approved' | 'rejected';
  comment?: string;
  data?: Record<string, unknown>;
}

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
  /** Where to write `<runId>.osoplog.yaml`; none = not written. */
  logDir?: string;
  /** A persisted XState snapshot to resume from (store/). */
  snapshot?: unknown;
  /** seq of the last event already stored, when resuming. */
  lastSeq?: number;
  /** Called after every transition with XState's persisted snapshot. */
  onSnapshot?: (snapshot: unknown) => void;
  /** Problems that do not stop the run (e.g. the .osoplog could not be written); default: one line on stderr. */
  onWarning?: (message: string) => void;
  /** XState inspection observer (inspector / offline inspection stream). */
  inspect?: (inspectionEvent: unknown) => void;
  /** Where `human` nodes wait; share it with executors built by createLocalExecutors({ humanGate }). Default: the run's own. */
  humanGate?: HumanGate;
  /** Jitter source for retry backoff, in [0, 1) (tests). */
  random?: () => number;
}

export interface RunResult {
  runId: string;
  status: Exclude<RunStatus, 'RUNNING'>;
  events: RunEvent[];
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
  cancel(): void;
}
