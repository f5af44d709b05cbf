// The `node_records` of a .osoplog, built one event at a time. A node visited many times (a long loop) keeps its
// first and last visits only, and says how many it left out, so a record of a long run stays bounded.
import type { Workflow } from '../osop/workflow.ts';
import type { RunEvent } from '../events/run-event.ts';

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
  /** A sub-workflow's node (`<parent>/<child>`): the node that ran the sub-workflow. */
  parent_id?: string;
  /** A node that ran a sub-workflow: the sub-workflow's id. */
  subworkflow_id?: string;
}

/** Visits of a node that the record left out (only the first and last ones of each node are kept). */
export interface OmittedRecords {
  node_id: string;
  omitted: number;
  kept_first: number;
  kept_last: number;
}

/** How many records of each node are kept: the first `first` and the last `last`. */
const KEPT_RECORDS = { first: 50, last: 50 };

const SCHEMA_NODE_TYPES = new Set([
  ...['human', 'agent', 'api', 'cli', 'db', 'git'],
  ...['docker', 'cicd', 'mcp', 'system', 'infra', 'data'],
]);

const wholeMs = (ms: number) => Math.max(0, Math.round(ms));

interface Kept {
  order: number;
  record: NodeRecord;
}

interface NodeState {
  count: number;
  first: Kept[];
  last: Kept[];
  /** The visit running now. */
  current?: NodeRecord;
  /** The latest record, kept or not: a failure to route out of a completed visit lands on it. */
  latest?: NodeRecord;
}

export class NodeRecordLog {
  readonly #nodes = new Map<string, NodeState>();
  readonly #types = new Map<string, string>();
  /** Nodes that run a sub-workflow, by (nested) id: the sub-workflow's id. */
  readonly #subworkflows = new Map<string, string>();
  #order = 0;
  /** The first failure whose outcome is unknown (a call that may have happened): the record names it. */
  #outcomeUnknown?: Extract<RunEvent, { type: 'node.failed' }>;

  constructor(
    workflow: Workflow,
    private readonly kept = KEPT_RECORDS,
  ) {
    this.#learnTypes(workflow, '');
  }

  /** Node types by the ids the events use: a sub-workflow's nodes as `<parent>/<child>`, at any depth. */
  #learnTypes(workflow: Workflow, prefix: string): void {
    for (const node of workflow.nodes) {
      const id = `${prefix}${node.id}`;
      if (SCHEMA_NODE_TYPES.has(node.type)) this.#types.set(id, node.type);
      const child = node.subworkflow?.workflow;
      if (!child) continue;
      this.#subworkflows.set(id, child.id);
      this.#learnTypes(child, `${id}/`);
    }
  }

  add(event: RunEvent): void {
    if (event.type === 'node.failed' && event.error.code === 'outcome_unknown') this.#outcomeUnknown ??= event;
    if (event.type === 'node.started') {
      const state = this.#open(event.node, { attempt: event.attempt, status: 'RUNNING', started_at: event.at });
      state.current = state.latest;
    } else if (event.type === 'node.retrying') {
      const record = this.#nodes.get(event.node)?.current;
      if (record) record.attempt = event.attempt;
    } else if (event.type === 'node.completed' || event.type === 'node.failed') {
      const state = this.#nodes.get(event.node);
      const record = state?.current ?? (event.type === 'node.failed' ? state?.latest : undefined);
      if (!state || !record) return;
      // A node that completed and then could not route out is recorded as failed, with why.
      if (!state.current && event.type === 'node.failed') {
        return void Object.assign(record, { status: 'FAILED', error: event.error.message });
      }
      Object.assign(record, { ended_at: event.at, duration_ms: wholeMs(event.durationMs) });
      if (event.type === 'node.completed') {
        const ai = event.ai ? { ai_metadata: event.ai } : {};
        Object.assign(record, { status: 'COMPLETED', outputs: event.outputs, ...ai });
      } else {
        const status = event.error.code === 'timeout' ? 'TIMEOUT' : 'FAILED';
        const ai = event.ai ? { ai_metadata: event.ai } : {};
        const outputs = event.outputs ? { outputs: event.outputs } : {};
        Object.assign(record, { status, error: event.error.message, ...ai, ...outputs });
      }
      state.current = undefined;
    } else if (event.type === 'node.skipped') {
      const state = this.#nodes.get(event.node);
      const reason = event.reason ? { reason: event.reason } : {};
      if (state?.current) Object.assign(state.current, { status: 'SKIPPED', ended_at: event.at, ...reason });
      else this.#open(event.node, { attempt: 1, status: 'SKIPPED', ...reason });
      if (state) state.current = undefined;
    }
  }

  /** The failure whose outcome is unknown, if the run had one. */
  outcomeUnknown(): Extract<RunEvent, { type: 'node.failed' }> | undefined {
    return this.#outcomeUnknown;
  }

  /** The kept records, in the order their visits began. */
  records(): NodeRecord[] {
    const kept = [...this.#nodes.values()].flatMap((state) => [...state.first, ...state.last]);
    return kept.sort((a, b) => a.order - b.order).map(({ record }) => record);
  }

  /** For each node that left visits out: how many, and how many it kept. */
  omitted(): OmittedRecords[] {
    return [...this.#nodes].flatMap(([node_id, state]) => {
      const omitted = state.count - state.first.length - state.last.length;
      return omitted > 0 ? [{ node_id, omitted, kept_first: state.first.length, kept_last: state.last.length }] : [];
    });
  }

  #open(node: string, fields: Omit<NodeRecord, 'node_id' | 'node_type'>): NodeState {
    const state = this.#nodes.get(node) ?? { count: 0, first: [], last: [] };
    this.#nodes.set(node, state);
    const type = this.#types.get(node);
    const parent = node.lastIndexOf('/');
    const subworkflow = this.#subworkflows.get(node);
    const record: NodeRecord = {
      node_id: node,
      ...(type ? { node_type: type } : {}),
      ...(parent > 0 ? { parent_id: node.slice(0, parent) } : {}),
      ...(subworkflow ? { subworkflow_id: subworkflow } : {}),
      ...fields,
    };
    const entry = { order: this.#order++, record };
    state.count += 1;
    if (state.first.length < this.kept.first) state.first.push(entry);
    else if (this.kept.last > 0) {
      state.last.push(entry);
      if (state.last.length > this.kept.last) state.last.shift();
    }
    state.latest = record;
    return state;
  }
}
