// How to make the real adapters produce each outcome of a path against the emulators: test cards, injected faults, or not at all.
import type { OutputExtractor, Template, Workflow, WorkflowNode } from '../osop/workflow.ts';
import type { PathStep, WorkflowPath } from './path.ts';

/** What to do for one step when it runs. */
export type Drive =
  /** Call the real adapter; optionally change the resolved runtime or arm an emulator fault first. */
  | { kind: 'real'; service: 'stripe' | 'claude'; paymentMethod?: string; fault?: 'fail' | 'retry-once' }
  /** No emulator for this node type: the step replays its outcome like the model level. */
  | { kind: 'replay' }
  | { kind: 'cannot'; reason: string };

export interface DrivePlan {
  /** By step index; absent when the path cannot be driven. */
  drives?: Drive[];
  reason?: string;
}

const STRIPE_HOST = 'https://api.stripe.com';
const DECLINED = 'pm_card_chargeDeclined';
const NEEDS_ACTION = 'pm_card_authenticationRequired';
const SUCCEEDS = 'pm_card_visa';

function staticText(template: Template | undefined): string {
  if (!template) return '';
  if (template.kind === 'value') return String(template.value ?? '');
  if (template.kind === 'text') return template.parts.map((part) => (typeof part === 'string' ? part : '{}')).join('');
  return '';
}

const urlOf = (node: WorkflowNode) => staticText(node.runtime.url);
const isStripe = (node: WorkflowNode) => node.type === 'api' && urlOf(node).startsWith(STRIPE_HOST);
const isConfirm = (node: WorkflowNode) => isStripe(node) && /\/v1\/payment_intents\/[^/]*\/confirm$/.test(urlOf(node));
const isIntentRead = (node: WorkflowNode) =>
  isStripe(node) &&
  /\/v1\/payment_intents\/[^/]+$/.test(urlOf(node)) &&
  staticText(node.runtime.method).toUpperCase() === 'GET';
const isClaude = (node: WorkflowNode) =>
  node.type === 'agent' && ['', 'anthropic'].includes(staticText(node.runtime.provider));

const readsStatus = (extract: OutputExtractor | undefined) =>
  extract?.kind === 'cel'
    ? extract.expression.source.trim() === 'data.status'
    : extract?.path.trim() === '$.data.status';

/** Output names a node extracts from the intent's status (`data.status` or `$.data.status`). */
const statusOutputs = (node: WorkflowNode) =>
  node.outputs.filter((output) => readsStatus(output.extract)).map((output) => output.name);

function driveStripe(node: WorkflowNode, step: PathStep): Drive {
  const { outcome } = step;
  if (outcome.kind === 'error') {
    if (outcome.error.kind === 'timeout')
      return { kind: 'cannot', reason: `${node.id} timing out: the sandbox does not make Stripe calls time out here` };
    return isConfirm(node)
      ? { kind: 'real', service: 'stripe', paymentMethod: DECLINED }
      : { kind: 'real', service: 'stripe', fault: 'fail' };
  }
  const readable = statusOutputs(node);
  const unreachable = outcome.assigned.find(
    (field) => !(isIntentRead(node) && field.path.length === 1 && readable.includes(field.path[0]!)),
  );
  if (unreachable) {
    return {
      kind: 'cannot',
      reason: `${node.id} returning ${unreachable.path.join('.')} = ${JSON.stringify(unreachable.value)}: no Stripe test input produces it`,
    };
  }
  return { kind: 'real', service: 'stripe' };
}

function driveClaude(node: WorkflowNode, step: PathStep): Drive {
  const { outcome } = step;
  if (outcome.kind === 'error') {
    if (outcome.error.kind === 'timeout')
      return { kind: 'cannot', reason: `${node.id} timing out: the sandbox does not make Claude calls time out here` };
    return { kind: 'real', service: 'claude', fault: 'fail' };
  }
  if (outcome.assigned.length > 0)
    return {
      kind: 'cannot',
      reason: `${node.id} answering with ${outcome.label}: the Claude emulator's reply cannot be chosen`,
    };
  return { kind: 'real', service: 'claude' };
}

function driveStep(node: WorkflowNode, step: PathStep): Drive {
  if (isStripe(node)) return driveStripe(node, step);
  if (isClaude(node)) return driveClaude(node, step);
  if (node.type === 'api' || node.type === 'agent') {
    return { kind: 'cannot', reason: `${node.id} calls ${urlOf(node) || node.type}, which has no emulator` };
  }
  return { kind: 'replay' };
}

/** The status an intent read should see decides the card the confirmation before it uses. */
function cardsForStatusReads(workflow: Workflow, path: WorkflowPath, drives: Drive[]): void {
  path.steps.forEach((step, index) => {
    const node = workflow.nodes.find((candidate) => candidate.id === step.node)!;
    if (step.outcome.kind !== 'done' || !isIntentRead(node) || step.outcome.assigned.length === 0) return;
    const wanted = step.outcome.assigned.find((field) => statusOutputs(node).includes(field.path[0]!))?.value;
    const card = wanted === 'succeeded' ? SUCCEEDS : NEEDS_ACTION;
    for (let before = index - 1; before >= 0; before -= 1) {
      const earlier = workflow.nodes.find((candidate) => candidate.id === path.steps[before]!.node)!;
      const drive = drives[before];
      if (!isConfirm(earlier) || drive?.kind !== 'real') continue;
      if (!drive.paymentMethod) drive.paymentMethod = card;
      return;
    }
  });
}

/** One injected 500 on the first Stripe call of the first plain path: the adapter must retry it and go on. */
export function withOneRetry(plan: DrivePlan): DrivePlan {
  const first =
    plan.drives?.findIndex(
      (drive) => drive.kind === 'real' && drive.service === 'stripe' && !drive.fault && !drive.paymentMethod,
    ) ?? -1;
  if (!plan.drives || first < 0) return plan;
  const drives = plan.drives.map((drive, index) =>
    index === first ? { ...drive, fault: 'retry-once' as const } : drive,
  );
  return { drives };
}

export function planDrives(workflow: Workflow, path: WorkflowPath): DrivePlan {
  const drives = path.steps.map((step) =>
    driveStep(
      workflow.nodes.find((node) => node.id === step.node)!,
      step,
    ),
  );
  const blockers = [...new Set(drives.flatMap((drive) => (drive.kind === 'cannot' ? [drive.reason] : [])))];
  if (blockers.length > 0) return { reason: blockers.join('; ') };
  cardsForStatusReads(workflow, path, drives);
  return { drives };
}

/** The inputs and faults a plan uses, in words: `confirm_payment #1: pm_card_chargeDeclined; create_customer: one injected 500, retried`. */
export function describePlan(path: WorkflowPath, drives: Drive[]): string {
  const parts = drives.flatMap((drive, index) => {
    if (drive.kind !== 'real') return [];
    const step = path.steps[index]!;
    const at = `${step.node}${step.visit > 1 ? ` #${step.visit}` : ''}`;
    if (drive.paymentMethod) return [`${at}: ${drive.paymentMethod}`];
    if (drive.fault === 'retry-once') return [`${at}: one injected 500, retried`];
    if (drive.fault === 'fail')
      return [`${at}: ${drive.service === 'claude' ? 'injected 500' : 'injected 400 refusal'}`];
    return [];
  });
  const replayed = drives.filter((drive) => drive.kind === 'replay').length;
  if (replayed > 0) parts.push(`${replayed} step(s) without an emulator replayed`);
  return parts.join('; ') || 'the workflow as written';
}
