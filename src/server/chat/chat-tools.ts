// The tools Claude gets in a chat, and what each one does. start_run and approve only ever ask the person.
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import type { ConfirmSummary, PendingAction } from './chat-event.ts';
import { confirmationReasons, summarizeRun } from './confirm-policy.ts';
import type { RunApi } from './run-api.ts';
import { stripePostNodes, workflowIdOf, workflowInputs, workflowOf, type WorkflowInputView } from './workflow-view.ts';

export interface ToolOutcome {
  content: string;
  isError: boolean;
  /** Set when the tool asked the person to confirm instead of acting. */
  pending?: PendingAction;
  /** Set when the tool started a run at once (no confirmation needed). */
  runId?: string;
}

export const chatTools = (workflowIds: string[]): Tool[] => [
  {
    name: 'list_workflows',
    description: 'List the workflows (standard operating procedures) this server can run, with their ids and descriptions.',
    input_schema: { type: 'object', properties: {} },
  },
  {
    name: 'describe_workflow',
    description: 'Describe one workflow: its inputs, nodes (steps) and edges.',
    input_schema: {
      type: 'object',
      properties: { workflow: { type: 'string', enum: workflowIds, description: 'workflow id' } },
      required: ['workflow'],
    },
  },
  {
    name: 'start_run',
    description:
      'Start a workflow run, e.g. charge a customer, take a payment, bill someone or run a procedure. ' +
      'Pass the workflow id and its inputs from the request: email, amount in the smallest currency unit ' +
      '(Stripe style: $25 → 2500), currency (usd). A person always confirms before anything starts.',
    input_schema: {
      type: 'object',
      properties: {
        workflow: { type: 'string', enum: workflowIds, description: 'workflow id' },
        inputs: {
          type: 'object',
          description: 'workflow inputs, e.g. {"email": "john@example.com", "amount": 2500, "currency": "usd"}',
          properties: {
            email: { type: 'string' },
            amount: { type: 'integer', description: 'smallest currency unit, e.g. cents' },
            currency: { type: 'string' },
          },
        },
      },
      required: ['workflow'],
    },
  },
  {
    name: 'get_run',
    description: 'Get the status, node statuses and outputs of a run by its id.',
    input_schema: { type: 'object', properties: { runId: { type: 'string' } }, required: ['runId'] },
  },
  {
    name: 'approve',
    description: 'Approve or reject a human step that a run is waiting on. A person confirms before it is sent.',
    input_schema: {
      type: 'object',
      properties: {
        runId: { type: 'string' },
        node: { type: 'string' },
        decision: { type: 'string', enum: ['approved', 'rejected'] },
      },
      required: ['runId', 'node', 'decision'],
    },
  },
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const json = (value: unknown, limit = 12_000): string => {
  const text = JSON.stringify(value, null, 1) ?? 'null';
  return text.length > limit ? `${text.slice(0, limit)}\n… (truncated)` : text;
};

const fail = (content: string): ToolOutcome => ({ content, isError: true });

const coerce = (value: unknown, spec: WorkflowInputView | undefined): unknown => {
  if (typeof value === 'string' && (spec?.type === 'integer' || spec?.type === 'number') && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return value;
};

/** Keeps the inputs the workflow declares (all of them when it declares none); reports the rest. */
const fitInputs = (raw: unknown, declared: WorkflowInputView[]): { inputs: Record<string, unknown>; dropped: string[] } => {
  const given = isRecord(raw) ? raw : {};
  if (declared.length === 0) return { inputs: { ...given }, dropped: [] };
  const inputs: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const spec = declared.find((input) => input.name === name);
    if (spec) inputs[name] = coerce(value, spec);
    else dropped.push(name);
  }
  return { inputs, dropped };
};

const askPerson = (pending: PendingAction, note: string): ToolOutcome => ({
  content:
    `Nothing has started. The person must confirm first: ${pending.summary.text}. ` +
    `Ask them to reply "yes" to go ahead. ${note}`.trim(),
  isError: false,
  pending,
});

const startRun = async (api: RunApi, input: Record<string, unknown>): Promise<ToolOutcome> => {
  const id = typeof input.workflow === 'string' ? input.workflow : '';
  const known = (await api.listWorkflows()).map(workflowIdOf).filter((name): name is string => !!name);
  if (!known.includes(id)) return fail(`Unknown workflow "${id}". Available: ${known.join(', ') || 'none'}.`);
  const workflow = workflowOf(await api.getWorkflow(id));
  const declared = workflow ? workflowInputs(workflow) : [];
  const { inputs, dropped } = fitInputs(input.inputs, declared);
  const missing = declared.filter((spec) => spec.required && !spec.hasDefault && inputs[spec.name] === undefined);
  if (missing.length > 0) return fail(`Missing required inputs: ${missing.map((spec) => spec.name).join(', ')}. Ask the person for them.`);
  const note = dropped.length > 0 ? `Ignored inputs the workflow does not declare: ${dropped.join(', ')}.` : '';
  const reasons = confirmationReasons(workflow, inputs);
  const name = typeof workflow?.name === 'string' ? workflow.name : id;
  if (reasons.length > 0) {
    const summary = summarizeRun(id, name, inputs, workflow ? stripePostNodes(workflow) : []);
    return askPerson({ kind: 'start_run', workflow: id, workflowName: name, inputs, reasons, summary }, note);
  }
  const { runId } = await api.startRun(id, inputs);
  return { content: `Started run ${runId} of ${id}. ${note}`.trim(), isError: false, runId };
};

const approve = (input: Record<string, unknown>): ToolOutcome => {
  const { runId, node, decision } = input;
  if (typeof runId !== 'string' || typeof node !== 'string' || (decision !== 'approved' && decision !== 'rejected')) {
    return fail('approve needs runId, node and decision ("approved" or "rejected").');
  }
  const summary: ConfirmSummary = { text: `${decision === 'approved' ? 'Approve' : 'Reject'} step ${node} of run ${runId}` };
  return askPerson({ kind: 'signal', runId, node, decision, reasons: ['a human step must be decided by a person'], summary }, '');
};

export const executeTool = async (api: RunApi, name: string, rawInput: unknown): Promise<ToolOutcome> => {
  const input = isRecord(rawInput) ? rawInput : {};
  switch (name) {
    case 'list_workflows':
      return { content: json(await api.listWorkflows()), isError: false };
    case 'describe_workflow': {
      const id = typeof input.workflow === 'string' ? input.workflow : '';
      const workflow = await api.getWorkflow(id);
      return workflow ? { content: json(workflow), isError: false } : fail(`Unknown workflow "${id}".`);
    }
    case 'start_run':
      return startRun(api, input);
    case 'get_run': {
      const runId = typeof input.runId === 'string' ? input.runId : '';
      const run = await api.getRun(runId);
      return run ? { content: json(run), isError: false } : fail(`Unknown run "${runId}".`);
    }
    case 'approve':
      return approve(input);
    default:
      return fail(`Unknown tool "${name}".`);
  }
};
