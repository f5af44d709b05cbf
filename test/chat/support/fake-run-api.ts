// A RunApi that records what the chat asked the server to do, with two workflows.
import type { RunEvent } from '../../../src/events/run-event.ts';
import type { RunApi } from '../../../src/server/chat/run-api.ts';

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
    listWorkflows: async () => Object.values(WORKFLOWS).map(({ id, name }) => ({ id, name })),
    getWorkflow: async (id) => WORKFLOWS[id],
    startRun: async (workflow, inputs) => {
      started.push({ workflow, inputs });
      return { runId: `run_${started.length}` };
    },
    getRun: async (runId) => ({ runId, status: 'RUNNING' }),
    signal: async (runId, node, decision) => {
      signals.push({ runId, node, decision });
      return {};
    },
    async *events(runId) {
      yield finished(runId);
    },
  };
};
