// The tools Claude gets in a chat, and what each one does. start_run and approve only ever ask the person.
// Every result is worded for the person: a model may pass it on as it is, and none names a tool.
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import type { ConfirmSummary, PendingAction } from './chat-event.ts';
import { confirmationReasons } from './confirm-policy.ts';
import type { RunApi } from './run-api.ts';
import { previewRun, referencedInputs } from './run-preview.ts';
import type { ChatWorkflow } from './workflow-catalog-view.ts';
import { chooseWorkflow } from './workflow-choice.ts';
import { workflowInputs, workflowOf, type WorkflowInputView } from './workflow-view.ts';
import {
  checkInputs,
  inputType,
  type GivenInputs,
  type InputProblem,
  type InputType,
} from '../../osop/input-schema.ts';
import { isRecord } from '../../util/is-record.ts';
import { listed } from './spoken-list.ts';

export interface ToolContext {
  api: RunApi;
  /** The full workflow as the server will run it (runtime blocks included): what the spending rule reads. */
  inspectWorkflow(id: string): Promise<Record<string, unknown> | undefined>;
  /** The workflows offered in this turn. */
  workflows: ChatWorkflow[];
  /** The person's message this turn: the confirmation says when the run differs from it. */
  message?: string;
  /** The runs this conversation started, oldest first: "approve it" means the one waiting among them. */
  runs?: string[];
}

export interface ToolOutcome {
  content: string;
  isError: boolean;
  /** Set when the tool asked the person to confirm instead of acting. */
  pending?: PendingAction;
  /** Set when the tool started a run at once (no confirmation needed). */
  runId?: string;
  workflow?: string;
}

/** Every input some workflow declares, so the model (or the emulator) knows what it may fill. */
const inputProperties = (workflows: ChatWorkflow[]): Record<string, { type?: InputType; description?: string }> => {
  const properties: Record<string, { type?: InputType; description?: string }> = {};
  for (const spec of workflows.flatMap((workflow) => workflow.inputSpecs)) {
    const type = inputType(spec);
    properties[spec.name] ??= {
      ...(type ? { type } : {}),
      ...(spec.name === 'amount' ? { description: 'smallest currency unit, e.g. cents: $25 → 2500' } : {}),
    };
  }
  return properties;
};

export const chatTools = (workflows: ChatWorkflow[]): Tool[] => {
  const workflowIds = workflows.map((workflow) => workflow.id);
  return [
    {
      name: 'list_workflows',
      description:
        'List the workflows (standard operating procedures) this server can run, with their ids and descriptions.',
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
            description: 'the workflow inputs, e.g. {"email": "john@example.com", "amount": 2500, "currency": "usd"}',
            properties: inputProperties(workflows),
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
};

const json = (value: unknown, limit = 12_000): string => {
  const text = JSON.stringify(value, null, 1) ?? 'null';
  return text.length > limit ? `${text.slice(0, limit)}\n… (truncated)` : text;
};

const fail = (content: string): ToolOutcome => ({ content, isError: true });

const shortRun = (runId: string): string => (runId.length > 12 ? runId.slice(0, 8) : runId);

/** Keeps the inputs the workflow declares (when it declares none: those its steps read); reports the rest. */
const fitInputs = (
  raw: unknown,
  declared: WorkflowInputView[],
  workflow: Record<string, unknown> | undefined,
): { inputs: Record<string, unknown>; dropped: string[] } => {
  const given = isRecord(raw) ? raw : {};
  const read = declared.length === 0 && workflow ? referencedInputs(workflow) : undefined;
  const inputs: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    if (declared.some((input) => input.name === name)) inputs[name] = value;
    else if (!workflow || read?.has(name)) inputs[name] = value;
    else dropped.push(name);
  }
  return { inputs, dropped };
};

/** Strings the model relays are text, as the person typed it; other values are typed JSON. */
const bySource = (given: Record<string, unknown>): Required<GivenInputs> => {
  const split: Required<GivenInputs> = { json: {}, text: {} };
  for (const [name, value] of Object.entries(given)) {
    if (typeof value === 'string') split.text[name] = value;
    else split.json[name] = value;
  }
  return split;
};

/** The checked values of the inputs that were given (the server fills in the defaults itself). */
const givenOnly = (values: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).filter(([name]) => name in given));

/** What is wrong with the inputs, said to the person: the values still needed, or each problem as every surface says it. */
const inputTrouble = (name: string, problems: InputProblem[]): string => {
  const missing = problems.filter((problem) => problem.code === 'missing-input').map((problem) => problem.input);
  const said = problems.map((problem) => problem.message).join('; ');
  if (missing.length === problems.length) return `${name} has not started: ${said}. What should ${listed(missing)} be?`;
  return `${name} has not started: ${said}. What should I use instead?`;
};

const askPerson = (pending: PendingAction, note: string): ToolOutcome => ({
  content:
    `Nothing has started yet. Please confirm: ${pending.summary.text}. ` +
    `Reply "yes" to go ahead, or anything else to cancel. ${note}`.trim(),
  isError: false,
  pending,
});

const startRun = async (context: ToolContext, input: Record<string, unknown>): Promise<ToolOutcome> => {
  const { api, inspectWorkflow, workflows, message } = context;
  const requested = typeof input.workflow === 'string' ? input.workflow.trim() : '';
  const givenNames = isRecord(input.inputs) ? Object.keys(input.inputs) : [];
  const choice = chooseWorkflow(requested, givenNames, workflows);
  if ('error' in choice) return fail(choice.error);
  const id = choice.id;
  const workflow = workflowOf(await inspectWorkflow(id));
  const declared = workflow ? workflowInputs(workflow) : [];
  const fitted = fitInputs(input.inputs, declared, workflow);
  const name = typeof workflow?.name === 'string' ? workflow.name : id;
  // The server's own check, so the chat refuses what POST /api/runs would: a string is what the person typed.
  const checked = checkInputs({ inputs: declared }, bySource(fitted.inputs));
  if (!checked.ok) return fail(inputTrouble(name, checked.problems));
  const inputs = givenOnly(checked.values, fitted.inputs);
  const { dropped } = fitted;
  const ignored =
    dropped.length > 0
      ? `I left out ${listed(dropped)}: ${name} does not take ${dropped.length === 1 ? 'it' : 'them'}.`
      : '';
  const note = [choice.note, ignored].filter(Boolean).join(' ');
  const reasons = confirmationReasons(workflow, inputs);
  if (reasons.length > 0) {
    const requested = { inputs: isRecord(input.inputs) ? input.inputs : {}, message };
    const summary = previewRun({
      workflowId: id,
      workflowName: name,
      workflow,
      inputs,
      resolved: checked.values,
      requested,
    });
    return askPerson({ kind: 'start_run', workflow: id, workflowName: name, inputs, reasons, summary }, note);
  }
  const { runId } = await api.startRun(id, inputs);
  return { content: `Started run ${runId} of ${name}. ${note}`.trim(), isError: false, runId, workflow: id };
};

const given = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

const waitingOf = (run: Record<string, unknown>): string[] | undefined =>
  Array.isArray(run.waiting) ? run.waiting.filter((node): node is string => typeof node === 'string') : undefined;

/** The step to decide: the one named, or the only one waiting in the named run or, unnamed, in this conversation's runs. */
const waitingStep = async (
  context: ToolContext,
  runId: string | undefined,
  node: string | undefined,
): Promise<{ runId: string; node: string } | { error: string }> => {
  if (runId) {
    const run = await context.api.getRun(runId);
    if (!run) return { error: `I could not find run "${runId}".` };
    const waiting = waitingOf(run);
    if (node && waiting && !waiting.includes(node)) {
      const instead = waiting.length > 0 ? `; it waits for ${listed(waiting)}` : '';
      return { error: `Run ${shortRun(runId)} is not waiting for ${node}${instead}.` };
    }
    if (node) return { runId, node };
    if (waiting?.length === 1) return { runId, node: waiting[0] };
    return {
      error: `Which step of run ${shortRun(runId)} do you mean${waiting?.length ? `: ${listed(waiting)}` : ''}?`,
    };
  }
  for (const candidate of [...(context.runs ?? [])].reverse()) {
    const waiting = waitingOf((await context.api.getRun(candidate)) ?? {}) ?? [];
    if (node ? waiting.includes(node) : waiting.length === 1) return { runId: candidate, node: node ?? waiting[0] };
  }
  return {
    error: `Nothing I started in this conversation is waiting for ${node ? `a decision at ${node}` : 'a decision'}. Which run and step do you mean?`,
  };
};

const approve = async (context: ToolContext, input: Record<string, unknown>): Promise<ToolOutcome> => {
  const { decision } = input;
  if (decision !== 'approved' && decision !== 'rejected') return fail('Should I approve it or reject it?');
  const step = await waitingStep(context, given(input.runId), given(input.node));
  if ('error' in step) return fail(step.error);
  const summary: ConfirmSummary = {
    text: `${decision === 'approved' ? 'Approve' : 'Reject'} step ${step.node} of run ${step.runId}`,
  };
  return askPerson(
    { kind: 'signal', ...step, decision, reasons: ['a human step must be decided by a person'], summary },
    '',
  );
};

export const executeTool = async (context: ToolContext, name: string, rawInput: unknown): Promise<ToolOutcome> => {
  const { api } = context;
  const input = isRecord(rawInput) ? rawInput : {};
  switch (name) {
    case 'list_workflows':
      return { content: json(await api.listWorkflows()), isError: false };
    case 'describe_workflow': {
      const id = given(input.workflow);
      if (!id) return fail('Which workflow do you mean?');
      const workflow = await api.getWorkflow(id);
      return workflow ? { content: json(workflow), isError: false } : fail(`There is no workflow called "${id}" here.`);
    }
    case 'start_run':
      return startRun(context, input);
    case 'get_run': {
      // No id: the run this conversation started last.
      const runId = given(input.runId) ?? context.runs?.at(-1);
      if (!runId) return fail('Which run do you mean: what is its id?');
      const run = await api.getRun(runId);
      return run ? { content: json(run), isError: false } : fail(`I could not find run "${runId}".`);
    }
    case 'approve':
      return approve(context, input);
    default:
      return fail(`I cannot do "${name}" here.`);
  }
};
