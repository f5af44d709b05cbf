// The rule that spending needs a person lives here, in code: nothing the user or the model says changes it.
import type { ConfirmSummary } from './chat-event.ts';
import { sideEffectSteps } from './side-effects.ts';
import { stripePostNodes, type StripePostView } from './workflow-view.ts';
import { minorUnitsPerMajor } from '../../util/currency.ts';

/** Why starting this run needs a person's confirmation; empty = it may start at once. */
export const confirmationReasons = (
  workflow: Record<string, unknown> | undefined,
  modelInputs: Record<string, unknown>,
): string[] => {
  if (!workflow) return ['the workflow could not be inspected'];
  const reasons: string[] = [];
  const posts = stripePostNodes(workflow);
  if (posts.length > 0) reasons.push(`it calls Stripe (${posts.map((post) => post.node).join(', ')})`);
  const stripeNodes = new Set(posts.map((post) => post.node));
  const commands = sideEffectSteps(workflow).filter((step) => step.type === 'cli');
  if (commands.length > 0) {
    reasons.push(`it runs commands on this machine (${commands.map((step) => step.node).join(', ')})`);
  }
  const others = sideEffectSteps(workflow).filter((step) => step.type !== 'cli' && !stripeNodes.has(step.node));
  if (others.length > 0) {
    reasons.push(`it changes things elsewhere (${others.map((step) => `${step.node}: ${step.what}`).join(', ')})`);
  }
  const filled = Object.keys(modelInputs);
  if (filled.length > 0) reasons.push(`its inputs were filled in by the assistant (${filled.join(', ')})`);
  return reasons;
};

/** Stripe amounts are in the currency's smallest unit: 2500 usd → "25.00 USD". */
export const formatAmount = (amount: number, currency: string): string => {
  const code = currency.toLowerCase();
  const major = minorUnitsPerMajor(code) === 1 ? String(amount) : (amount / minorUnitsPerMajor(code)).toFixed(2);
  return `${major} ${code.toUpperCase()}`;
};

const pick = (sources: Array<Record<string, unknown>>, key: string): unknown => {
  for (const source of sources) {
    const found = Object.entries(source).find(([name]) => name.toLowerCase() === key);
    if (found && found[1] !== undefined && found[1] !== '') return found[1];
  }
  return undefined;
};

export const summarizeRun = (
  workflowId: string,
  workflowName: string,
  inputs: Record<string, unknown>,
  posts: StripePostView[],
): ConfirmSummary => {
  // What the requests send comes first: a value fixed in the file wins over an input it never reads.
  const sources = [...posts.map((post) => post.literals), inputs];
  const rawAmount = pick(sources, 'amount');
  const amount =
    typeof rawAmount === 'number'
      ? rawAmount
      : Number.isFinite(Number(rawAmount)) && rawAmount !== undefined
        ? Number(rawAmount)
        : undefined;
  const currencyValue = pick(sources, 'currency');
  const currency = typeof currencyValue === 'string' ? currencyValue.toLowerCase() : undefined;
  const emailValue = pick(sources, 'email');
  const email = typeof emailValue === 'string' ? emailValue : undefined;
  const charge = amount !== undefined ? ` — charge ${formatAmount(amount, currency ?? 'usd')}` : '';
  const to = email ? ` to ${email}` : '';
  return {
    text: `Run ${workflowName} (${workflowId})${charge}${to}`,
    workflow: workflowId,
    ...(amount !== undefined ? { amount } : {}),
    ...(currency ? { currency } : amount !== undefined ? { currency: 'usd' } : {}),
    ...(email ? { email } : {}),
  };
};

const normalize = (message: string): string =>
  message
    .trim()
    .toLowerCase()
    .replace(/[.!,\s]+/g, ' ')
    .trim();

const YES = new Set([
  'yes',
  'y',
  'yes please',
  'yep',
  'yeah',
  'confirm',
  'confirmed',
  'i confirm',
  'ok',
  'okay',
  'go ahead',
  'do it',
  'proceed',
  'yes go ahead',
  'yes do it',
  'yes confirm',
  'sure',
]);
const NO = new Set(['no', 'n', 'nope', 'cancel', 'stop', 'abort', 'no thanks', "don't", 'do not']);

/** The whole message is a plain yes: "yes", "Yes!", "go ahead". "yes but $30" is not. */
export const isConfirmation = (message: string): boolean => YES.has(normalize(message));

export const isRefusal = (message: string): boolean => NO.has(normalize(message));
