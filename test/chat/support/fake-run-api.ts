// A RunApi that records what the chat asked the server to do, with two workflows.
import type { RunEvent } from '../../../src/events/run-event.ts';
import type { RunApi } from '../../../src/server/chat/run-api.ts';
import type { WorkflowDetail, WorkflowSummary } from '../../../src/server/contract/responses.ts';

const value = (v: string | number) => ({ kind: 'value', value: v });

export const WORKFLOWS: Record<string, Record<string, unknown>> = {
  'stripe-payment': {
    id: 'stripe-payment',
    name: 'Stripe payment',
    inputs: [
      { name: 'email', type: 'string', required: false, default: 'user@example.com' },
      { name: 'amount', type: 'integer', required: false, default: 2000 },
      { name: 'currency', type: 'string', required: false, default: 'usd' },
    ],
    nodes: [
      {
        id: 'create_intent',
        type: 'api',
        runtime: { method: value('POST'), url: value('https://api.stripe.com/v1/payment_intents') },
      },
      { id: 'send_receipt', type: 'agent', runtime: {} },
    ],
    edges: [],
  },
  hello: {
    id: 'hello',
    name: 'Say hello',
    inputs: [],
    nodes: [{ id: 'greet', type: 'agent', runtime: {} }],
    edges: [],
  },
};

/** What GET /api/workflows says of one of WORKFLOWS. */
const summaryOf = (id: string): WorkflowSummary => {
  const workflow = WORKFLOWS[id] as { name: string; nodes: unknown[]; edges: unknown[] };
  return {
    id,
    name: workflow.name,
    description: undefined,
    file: `${id}.osop.yaml`,
    tags: [],
    nodeCount: workflow.nodes.length,
    diagnosticCounts: { error: 0, warning: 0 },
    edgeCount: workflow.edges.length,
    valid: true,
    diagnostics: [],
  };
};

/** What GET /api/workflows/:id says of one of WORKFLOWS. */
const detailOf = (id: string): WorkflowDetail | undefined => {
  if (!WORKFLOWS[id]) return undefined;
  const workflow = WORKFLOWS[id] as { inputs: WorkflowDetail['inputs']; nodes: Array<{ id: string; type: string }> };
  const nodes = workflow.nodes.map((node) => ({
    id: node.id,
    type: node.type,
    subtype: undefined,
    name: node.id,
    description: undefined,
    outputs: [],
    maxIterations: 1,
    timeoutMs: undefined,
  }));
  return {
    ...summaryOf(id),
    inputs: workflow.inputs,
    secrets: [],
    start: [nodes[0].id],
    nodes,
    edges: [],
    mermaid: undefined,
  };
};

export interface FakeRunApi extends RunApi {
  started: Array<{ workflow: string; inputs: Record<string, unknown> }>;
  signals: Array<{ runId: string; node: string; decision: string }>;
}

export const fakeRunApi = (): FakeRunApi => {
  const started: FakeRunApi['started'] = [];
  const signals: FakeRunApi['signals'] = [];
  const finished = (runId: string): RunEvent => ({
    type: 'run.completed',
    status: 'COMPLETED',
    durationMs: 1,
    runId,
    seq: 1,
    at: new Date().toISOString(),
  });
  return {
    started,
    signals,
    listWorkflows: async () => Object.keys(WORKFLOWS).map(summaryOf),
    getWorkflow: async (id) => detailOf(id),
    startRun: async (workflow, inputs) => {
      started.push({ workflow, inputs });
      return { runId: `run_${started.length}` };
    },
    getRun: async (runId) => ({
      runId,
      workflowId: 'hello',
      status: 'RUNNING',
      inputs: {},
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
      lastSeq: 0,
      nodes: {},
      // A run that waits for a person at its review step (the approvals the tests send).
      waiting: ['review'],
      outputs: {},
    }),
    signal: async (runId, node, decision) => {
      signals.push({ runId, node, decision });
      return { runId, node, decision };
    },
    async *events(runId) {
      yield finished(runId);
    },
  };
};
