// The `.osoplog.yaml` execution record, built from a run's (already redacted) events; validates against osoplog.schema.json.
// Pure: where it is written is the caller's RecordWriter (store/osoplog-files.ts for files).
import type { Workflow } from '../osop/workflow.ts';
import type { CostRecord } from './cost-budget.ts';
import { NodeRecordLog } from './node-records.ts';
import type { RunEvent } from '../events/run-event.ts';
import type { RunResult } from './run-options.ts';

const OSOPLOG_VERSION = '1.0';

export interface OsoplogRecordInput {
  workflow: Workflow;
  runId: string;
  status: RunResult['status'];
  startedAt: string;
  endedAt: string;
  /** The run's events, or the node records already built from them as they came. */
  events: RunEvent[] | NodeRecordLog;
  dryRun: boolean;
  inputs: Record<string, unknown>;
  error?: string;
  /** Services answered by sopstate's emulators (e.g. stripe), not the real ones. */
  emulated?: string[];
  /** What the nodes spent (cost-budget.ts), when any reported or declared a spend. */
  cost?: CostRecord;
}

const wholeMs = (ms: number) => Math.max(0, Math.round(ms));

function recordsOf(workflow: Workflow, events: RunEvent[]): NodeRecordLog {
  const records = new NodeRecordLog(workflow);
  for (const event of events) records.add(event);
  return records;
}

/**
 * `outcome_unknown: {node_id, call, idempotency_key}`: the call a run stopped at because nobody can tell whether
 * it took effect (README "Exactly once"); the schema's status has no word for it, so the run is FAILED.
 */
function outcomeUnknown(records: NodeRecordLog): Record<string, unknown> {
  const failed = records.outcomeUnknown();
  if (!failed) return {};
  const { call, idempotencyKey } = failed.error;
  const key = idempotencyKey ? { idempotency_key: idempotencyKey } : {};
  return { outcome_unknown: { node_id: failed.node, ...(call ? { call } : {}), ...key } };
}

/** The record as osoplog.schema.json describes it; `run_id` names it. */
export interface OsoplogRecord {
  run_id: string;
  [field: string]: unknown;
}

export function buildOsoplog(input: OsoplogRecordInput): OsoplogRecord {
  const duration = Date.parse(input.endedAt) - Date.parse(input.startedAt);
  const records = input.events instanceof NodeRecordLog ? input.events : recordsOf(input.workflow, input.events);
  const omitted = records.omitted();
  return {
    osoplog_version: OSOPLOG_VERSION,
    run_id: input.runId,
    workflow_id: input.workflow.id,
    mode: input.dryRun ? 'dry_run' : 'live',
    // The schema has no CANCELLED: a cancelled run did not complete; `cancelled: true` tells it from a failure.
    status: input.status === 'CANCELLED' ? 'FAILED' : input.status,
    ...(input.status === 'CANCELLED' ? { cancelled: true } : {}),
    trigger: { type: 'manual', timestamp: input.startedAt },
    started_at: input.startedAt,
    ended_at: input.endedAt,
    duration_ms: wholeMs(duration),
    runtime: {
      agent: 'sopstate',
      source: 'executor',
      ...(input.emulated?.length && !input.dryRun ? { emulated_services: input.emulated } : {}),
    },
    inputs: input.inputs,
    node_records: records.records(),
    // Beyond the schema: a node visited very often keeps its first and last visits; this says how many are left out.
    ...(omitted.length > 0 ? { omitted_node_records: omitted } : {}),
    ...(input.error ? { result_summary: input.error } : {}),
    ...(input.cost ? { cost: input.cost } : {}),
    ...outcomeUnknown(records),
  };
}
