// The `.osoplog.yaml` execution record, built from a run's (already redacted) events; validates against osoplog.schema.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Workflow } from '../osop/workflow.ts';
import type { RunEvent } from './run-event.ts';
import type { RunResult } from './run-options.ts';

export const OSOPLOG_VERSION = '1.0';

const SCHEMA_NODE_TYPES = new Set(['human', 'agent', 'api', 'cli', 'db', 'git', 'docker', 'cicd', 'mcp', 'system', 'infra', 'data']);

export interface OsoplogRecordInput {
  workflow: Workflow;
  runId: string;
  status: RunResult['status'];
  startedAt: string;
  endedAt: string;
  events: RunEvent[];
  dryRun: boolean;
  inputs: Record<string, unknown>;
  error?: string;
  /** Services answered by sopstate's emulators (e.g. stripe), not the real ones. */
  emulated?: string[];
}

export interface NodeRecord {
  node_id: string;
  node_type?: string;
  attempt: number;
  status: 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'TIMEOUT' | 'RUNNING';
  started_at?: string;
  ended_at?: string;
  duration_ms?: number;
  outputs?: Record<string, unknown>;
  ai_metadata?: { model: string; provider: string; prompt_tokens: number; completion_tokens: number };
  error?: string;
  reason?: string;
}

const wholeMs = (ms: number) => Math.max(0, Math.round(ms));

function nodeRecords(workflow: Workflow, events: RunEvent[]): NodeRecord[] {
  const records: NodeRecord[] = [];
  const current = new Map<string, NodeRecord>();
  const typeOf = (id: string) => {
    const type = workflow.nodes.find((node) => node.id === id)?.type;
    return type && SCHEMA_NODE_TYPES.has(type) ? { node_type: type } : {};
  };
  for (const event of events) {
    if (event.type === 'node.started') {
      const record: NodeRecord = { node_id: event.node, ...typeOf(event.node), attempt: event.attempt, status: 'RUNNING', started_at: event.at };
      records.push(record);
      current.set(event.node, record);
    } else if (event.type === 'node.retrying') {
      const record = current.get(event.node);
      if (record) record.attempt = event.attempt;
    } else if (event.type === 'node.completed' || event.type === 'node.failed') {
      // A node that completed and then could not route out is recorded as failed, with why.
      const routed = event.type === 'node.failed' ? records.findLast((known) => known.node_id === event.node) : undefined;
      const record = current.get(event.node) ?? routed;
      if (!record) continue;
      if (record === routed && event.type === 'node.failed') {
        Object.assign(record, { status: 'FAILED', error: event.error.message });
        continue;
      }
      Object.assign(record, { ended_at: event.at, duration_ms: wholeMs(event.durationMs) });
      if (event.type === 'node.completed') {
        Object.assign(record, { status: 'COMPLETED', outputs: event.outputs, ...(event.ai ? { ai_metadata: event.ai } : {}) });
      } else {
        Object.assign(record, { status: event.error.code === 'timeout' ? 'TIMEOUT' : 'FAILED', error: event.error.message });
      }
      current.delete(event.node);
    } else if (event.type === 'node.skipped') {
      const running = current.get(event.node);
      const reason = event.reason ? { reason: event.reason } : {};
      if (running) Object.assign(running, { status: 'SKIPPED', ended_at: event.at, ...reason });
      else records.push({ node_id: event.node, ...typeOf(event.node), attempt: 1, status: 'SKIPPED', ...reason });
      current.delete(event.node);
    }
  }
  return records;
}

/**
 * `outcome_unknown: {node_id, call, idempotency_key}`: the call a run stopped at because nobody can tell whether
 * it took effect (README "Exactly once"); the schema's status has no word for it, so the run is FAILED.
 */
function outcomeUnknown(events: RunEvent[]): Record<string, unknown> {
  const failed = events.find((event) => event.type === 'node.failed' && event.error.code === 'outcome_unknown');
  if (failed?.type !== 'node.failed') return {};
  const { call, idempotencyKey } = failed.error;
  const key = idempotencyKey ? { idempotency_key: idempotencyKey } : {};
  return { outcome_unknown: { node_id: failed.node, ...(call ? { call } : {}), ...key } };
}

export function buildOsoplog(input: OsoplogRecordInput): Record<string, unknown> {
  const duration = Date.parse(input.endedAt) - Date.parse(input.startedAt);
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
    node_records: nodeRecords(input.workflow, input.events),
    ...(input.error ? { result_summary: input.error } : {}),
    ...outcomeUnknown(input.events),
  };
}

export const osoplogPath = (dir: string, runId: string) => join(dir, `${runId.replace(/[^\w.-]/g, '_')}.osoplog.yaml`);

export async function writeOsoplog(dir: string, record: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = osoplogPath(dir, String(record.run_id));
  await writeFile(path, stringify(record, { lineWidth: 0 }), 'utf8');
  return path;
}
