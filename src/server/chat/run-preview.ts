// What a confirmation shows: the run exactly as it will go — the inputs it gets (defaults included), the values the
// file fixes, each step that acts — and, when the person asked for something else, that it differs.
import type { ConfirmSummary } from './chat-event.ts';
import { formatAmount, summarizeRun } from './confirm-policy.ts';
import { sideEffectSteps } from './side-effects.ts';
import { stripePostNodes, workflowInputs, type StripePostView } from './workflow-view.ts';
import { isRecord } from '../../util/is-record.ts';

export interface RunPreviewRequest {
  workflowId: string;
  workflowName: string;
  workflow: Record<string, unknown> | undefined;
  /** The inputs POST /api/runs will get. */
  inputs: Record<string, unknown>;
  /** The inputs the run will see: those, typed, with the defaults filled in (osop's input check). */
  resolved: Record<string, unknown>;
  /** What the person asked for: the assistant's reading of their words, and the words themselves. */
  requested: { inputs: Record<string, unknown>; message?: string };
}

interface Charge {
  amount?: number;
  currency?: string;
  email?: string;
}

const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const inputsLine = (
  workflow: Record<string, unknown>,
  given: Record<string, unknown>,
  inputs: Record<string, unknown>,
): string => {
  const names = Object.keys(inputs);
  if (names.length === 0) {
    return workflowInputs(workflow).length === 0 ? 'Inputs: none (the workflow declares none)' : 'Inputs: none';
  }
  const each = names.map((name) => `${name}=${shown(inputs[name])}${name in given ? '' : ' (default)'}`);
  return `Inputs: ${each.join(', ')}`;
};

const stepLines = (workflow: Record<string, unknown>, posts: StripePostView[]): string[] =>
  sideEffectSteps(workflow).map((step) => {
    const post = posts.find((each) => each.node === step.node);
    const values = post ? Object.entries(post.literals).map(([key, value]) => `${key}=${shown(value)}`) : [];
    return `${step.node}: ${step.what}${values.length ? ` with ${values.join(', ')}` : ''}`;
  });

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const DOLLARS = /\$\s?(\d+(?:\.\d{1,2})?)/;

const pick = (source: Record<string, unknown>, key: string): unknown =>
  Object.entries(source).find(([name]) => name.toLowerCase() === key)?.[1];

const asNumber = (value: unknown): number | undefined =>
  value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;

/** The charge the person asked for: from the assistant's inputs, else from their words ("$0.01", an email). */
const requestedCharge = ({ inputs, message = '' }: RunPreviewRequest['requested']): Charge => {
  const dollars = message.match(DOLLARS)?.[1];
  const amount =
    asNumber(pick(inputs, 'amount')) ?? (dollars !== undefined ? Math.round(Number(dollars) * 100) : undefined);
  const currency = pick(inputs, 'currency') ?? (dollars !== undefined ? 'usd' : undefined);
  const email = pick(inputs, 'email') ?? message.match(EMAIL)?.[0];
  return {
    ...(amount !== undefined ? { amount } : {}),
    ...(typeof currency === 'string' ? { currency: currency.toLowerCase() } : {}),
    ...(typeof email === 'string' ? { email } : {}),
  };
};

const chargeText = ({ amount, currency, email }: Charge): string =>
  [amount !== undefined ? formatAmount(amount, currency ?? 'usd') : undefined, email ? `to ${email}` : undefined]
    .filter(Boolean)
    .join(' ');

/** "You asked for 0.01 USD to john@…; this workflow always charges 20.00 USD to user@example.com." */
const difference = (asked: Charge, runs: Charge, posts: StripePostView[]): string | undefined => {
  const differs = (key: keyof Charge): boolean =>
    asked[key] !== undefined && String(asked[key]).toLowerCase() !== String(runs[key] ?? '').toLowerCase();
  const keys = (['amount', 'currency', 'email'] as const).filter(differs);
  if (keys.length === 0) return undefined;
  const fixed = keys.every((key) => runs[key] !== undefined && posts.some((post) => post.fixed.includes(key)));
  const will = chargeText(runs) || 'something else';
  return `You asked for ${chargeText(asked)}; this workflow ${fixed ? 'always charges' : 'will charge'} ${will}.`;
};

export const previewRun = (request: RunPreviewRequest): ConfirmSummary => {
  const { workflow, workflowId, workflowName } = request;
  if (!workflow) {
    return {
      text: `Run ${workflowName} (${workflowId}) — its steps could not be inspected`,
      workflow: workflowId,
      inputs: request.inputs,
      details: [],
      differences: [],
    };
  }
  const inputs = request.resolved;
  const posts = stripePostNodes(workflow, inputs);
  const summary = summarizeRun(workflowId, workflowName, inputs, posts);
  const differs = difference(requestedCharge(request.requested), summary, posts);
  return {
    ...summary,
    text: differs ? `${summary.text}. ${differs}` : summary.text,
    inputs,
    details: [inputsLine(workflow, request.inputs, inputs), ...stepLines(workflow, posts)],
    differences: differs ? [differs] : [],
  };
};

/** Input names the workflow's steps and conditions read, for a workflow that declares none. */
export const referencedInputs = (workflow: Record<string, unknown>): Set<string> => {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isRecord(value)) return;
    if (value.namespace === 'inputs' && Array.isArray(value.path) && value.path.length > 0)
      names.add(String(value.path[0]));
    Object.values(value).forEach(visit);
  };
  const nodes = Array.isArray(workflow.nodes) ? workflow.nodes.filter(isRecord) : [];
  for (const node of nodes) visit(node.runtime);
  const edges = Array.isArray(workflow.edges) ? workflow.edges.filter(isRecord) : [];
  for (const edge of edges) {
    for (const expression of [edge.when, edge.forEach]) {
      const source = isRecord(expression) && typeof expression.source === 'string' ? expression.source : '';
      for (const match of source.matchAll(/\binputs\.([A-Za-z_]\w*)/g)) names.add(match[1]);
    }
  }
  return names;
};
