// For each node, the distinct ways it can end: one done outcome per distinct routing of the conditions that read it,
// one error per failure route (with the outputs a failed api or cli node keeps, where an error edge reads them).
import type { Atom } from './cel-atoms.ts';
import { edgeExpressions, type EdgeExpression } from './edge-expressions.ts';
import { inputVariants, type InputVariant } from './input-variants.ts';
import { samplesFor } from './samples.ts';
import {
  combinations,
  describeAssignments,
  fieldChoices,
  sampleInputs,
  setPath,
  type FieldAssignment,
} from './sample-values.ts';
import { initialContext } from '../machine/context.ts';
import { withNodeState } from '../machine/per-node.ts';
import { decideFailure, decideSuccess } from '../machine/route.ts';
import { workflowIndex } from '../machine/workflow-index.ts';
import { keepsOutputsOnFailure } from '../osop/failed-outputs.ts';
import type { ExpressionScope, Workflow, WorkflowEdge, WorkflowNode } from '../osop/workflow.ts';

interface SimulatedError {
  message: string;
  code: string;
  kind: 'error' | 'timeout';
  /** What the failed node produced (api and cli nodes keep their outputs when they fail). */
  outputs?: Record<string, unknown>;
}

export type Outcome =
  /** `assigned`: the output fields the conditions care about, and the values this outcome gives them. */
  | { kind: 'done'; label: string; outputs: Record<string, unknown>; assigned: FieldAssignment[] }
  | { kind: 'error'; label: string; error: SimulatedError };

export interface Outcomes {
  byNode: Map<string, Outcome[]>;
  /** Workflow inputs the outcomes were derived with (defaults, else samples that satisfy the conditions' first literals). */
  inputs: Record<string, unknown>;
  /** Input sets that route differently: each is walked separately (inputs are fixed for a run). */
  variants: InputVariant[];
}

const MAX_COMBINATIONS = 256;
const FAILURE_MODES = new Set<string>(['fallback', 'error', 'timeout']);

export function deriveOutcomes(workflow: Workflow): Outcomes {
  const shaped = edgeExpressions(workflow);
  const atoms = shaped.flatMap((item) => item.shape.atoms);
  const inputs = sampleInputs(
    workflow.inputs,
    atoms,
    workflow.nodes.flatMap((node) => Object.values(node.runtime)),
  );
  const defaults = new Map(workflow.nodes.map((node) => [node.id, defaultOutputs(node, atoms)]));
  // What an error edge compares a failed node's outputs with varies its failures, not its successes.
  const successAtoms = shaped.flatMap((item) =>
    FAILURE_MODES.has(item.edge.mode)
      ? item.shape.atoms.filter((atom) => !(atom.ref.kind === 'output' && atom.ref.node === item.edge.from))
      : item.shape.atoms,
  );
  const byNode = new Map<string, Outcome[]>();
  const context: DeriveContext = { workflow, shaped, inputs, defaults };
  for (const node of workflow.nodes) {
    byNode.set(node.id, [...doneOutcomes(node, successAtoms, context), ...errorOutcomes(node, context)]);
  }
  const variants = inputVariants(shaped, inputs, Object.fromEntries(defaults));
  return { byNode, inputs, variants };
}

interface DeriveContext {
  workflow: Workflow;
  shaped: EdgeExpression[];
  inputs: Record<string, unknown>;
  defaults: Map<string, Record<string, unknown>>;
}

const readsOutputsOf = (node: string) => (item: EdgeExpression) =>
  item.shape.refs.some((ref) => ref.kind === 'output' && ref.node === node);

function ownAtoms(node: string, atoms: Atom[]): Atom[] {
  return atoms.filter((atom) => atom.ref.kind === 'output' && atom.ref.node === node);
}

/** Declared outputs as placeholders (so `${node.x}` resolves), then `x-sample`, then the first sample of each condition. */
function defaultOutputs(node: WorkflowNode, atoms: Atom[]): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const spec of node.outputs) outputs[spec.name] = `<${node.id}.${spec.name}>`;
  Object.assign(outputs, structuredClone(node.sample ?? {}));
  for (const atom of ownAtoms(node.id, atoms)) {
    if (atom.ref.kind === 'output') setPath(outputs, atom.ref.path, samplesFor(atom)[0], false);
  }
  return outputs;
}

function scopeFor(
  context: DeriveContext,
  node: string,
  outputs: Record<string, unknown>,
  edge: WorkflowEdge,
): ExpressionScope {
  return {
    inputs: context.inputs,
    outputs: { ...Object.fromEntries(context.defaults), [node]: outputs },
    metadata: { run_id: 'paths', attempt: 1 },
    env: {},
    nodes: {},
    sourceNode: edge.from,
  };
}

function verdict(item: EdgeExpression, scope: ExpressionScope): string {
  try {
    return JSON.stringify(item.expression.evaluate(scope));
  } catch {
    return 'error';
  }
}

function doneOutcomes(node: WorkflowNode, atoms: Atom[], context: DeriveContext): Outcome[] {
  const base = context.defaults.get(node.id) ?? {};
  const readers = context.shaped.filter((item) => !FAILURE_MODES.has(item.edge.mode)).filter(readsOutputsOf(node.id));
  const deciders = [...new Set(readers.map((item) => item.edge.from))];
  const candidates = combinations(fieldChoices(ownAtoms(node.id, atoms)), MAX_COMBINATIONS).map((assigned) => {
    const outputs = structuredClone(base);
    for (const { path, value } of assigned) setPath(outputs, path, value, true);
    return { outputs, label: describeAssignments(assigned) || 'completes', assigned };
  });
  candidates.push(
    ...testCaseOutputs(node).map((outputs) => ({
      outputs: { ...base, ...outputs },
      label: `x-test-case ${JSON.stringify(outputs)}`,
      assigned: Object.entries(outputs).map(([name, value]) => ({ path: [name], value })),
    })),
  );
  const evaluates = (outputs: Record<string, unknown>) =>
    readers.every((item) => verdict(item, scopeFor(context, node.id, outputs, item.edge)) !== 'error');
  const clean = candidates.filter((candidate) => evaluates(candidate.outputs));
  const bySignature = new Map<string, (typeof candidates)[number]>();
  for (const candidate of clean.length > 0 ? clean : candidates.slice(0, 1)) {
    const signature = deciders.map((decider) => routeKey(context, node.id, candidate.outputs, decider)).join(',');
    if (!bySignature.has(signature)) bySignature.set(signature, candidate);
  }
  return [...bySignature.values()].map((candidate) => ({ kind: 'done', ...candidate }));
}

/** Which way `decider` routes on success when `node` produced `outputs` (the machine's own routing rule). */
function routeKey(context: DeriveContext, node: string, outputs: Record<string, unknown>, decider: string): string {
  const run = initialContext(context.workflow, { runId: 'paths', inputs: context.inputs }, 'flat');
  run.outputs = { ...Object.fromEntries(context.defaults), [node]: outputs };
  return decideSuccess(context.workflow, run, decider).key;
}

function testCaseOutputs(node: WorkflowNode): Array<Record<string, unknown>> {
  return (node.testCases ?? []).flatMap((testCase) => {
    if (!testCase || typeof testCase !== 'object' || Array.isArray(testCase)) return [];
    const record = testCase as Record<string, unknown>;
    if ('error' in record) return [];
    const outputs = record.outputs ?? record;
    return outputs && typeof outputs === 'object' && !Array.isArray(outputs)
      ? [outputs as Record<string, unknown>]
      : [];
  });
}

function testCaseErrors(node: WorkflowNode): SimulatedError[] {
  return (node.testCases ?? []).flatMap((testCase): SimulatedError[] => {
    const error = (testCase as { error?: unknown } | null)?.error;
    if (typeof error === 'string') return [{ message: error, code: 'test_case_error', kind: 'error' }];
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      const { message, code } = error as { message: string; code?: unknown };
      return [{ message, code: typeof code === 'string' ? code : 'test_case_error', kind: 'error' }];
    }
    return [];
  });
}

function errorOutcomes(node: WorkflowNode, context: DeriveContext): Outcome[] {
  const outgoing = workflowIndex(context.workflow).edgesFrom.get(node.id) ?? [];
  const outcomes: Outcome[] = [
    {
      kind: 'error',
      label: 'fails',
      error: { message: `${node.id} failed (simulated)`, code: 'simulated_failure', kind: 'error' },
    },
  ];
  if (outgoing.some((edge) => edge.mode === 'timeout')) {
    outcomes.push({
      kind: 'error',
      label: 'times out',
      error: { message: `${node.id} timed out (simulated)`, code: 'timeout', kind: 'timeout' },
    });
  }
  const messages = new Set(outcomes.map((outcome) => (outcome.kind === 'error' ? outcome.error.message : '')));
  const add = (error: SimulatedError, label: string) => {
    if (messages.has(error.message)) return;
    messages.add(error.message);
    outcomes.push({ kind: 'error', label, error });
  };
  for (const item of context.shaped.filter((entry) => entry.edge.from === node.id && entry.edge.mode === 'error')) {
    const message = errorMessageFor(node.id, item, context);
    if (message !== undefined)
      add({ message, code: 'simulated_failure', kind: 'error' }, `fails with ${JSON.stringify(message)}`);
  }
  for (const error of testCaseErrors(node)) add(error, `x-test-case error ${JSON.stringify(error.message)}`);
  outcomes.push(...failedOutputOutcomes(node, context));
  return outcomes;
}

/** What every failure of the type has, whatever the conditions read: a later `${validate.stderr}` resolves. */
const FAILED_OUTPUTS: Record<string, Record<string, unknown>> = {
  cli: { stdout: '', stderr: '', exit_code: 1 },
  api: { data: null, status: 400 },
};

/**
 * One failure with outputs per `error` edge whose condition reads the failed node's own outputs, chosen so the
 * machine takes that edge (the earlier error edges' conditions do not hold). Only for node types that keep outputs
 * when they fail: for others a real run can never take such an edge, and no outcome pretends it can.
 */
function failedOutputOutcomes(node: WorkflowNode, context: DeriveContext): Outcome[] {
  if (!keepsOutputsOnFailure(node.type)) return [];
  const errorEdges = context.shaped.filter((item) => item.edge.from === node.id && item.edge.mode === 'error');
  const readers = errorEdges.filter(readsOutputsOf(node.id));
  if (readers.length === 0) return [];
  const atoms = ownAtoms(
    node.id,
    errorEdges.flatMap((item) => item.shape.atoms),
  );
  const messages = [
    ...new Set([
      ...errorEdges
        .flatMap((item) => item.shape.atoms)
        .filter((atom) => atom.ref.kind === 'error' && atom.ref.node === node.id)
        .flatMap((atom) => samplesFor(atom))
        .filter((value): value is string => typeof value === 'string'),
      `${node.id} failed (simulated)`,
    ]),
  ];
  const base = { ...FAILED_OUTPUTS[node.type], ...context.defaults.get(node.id) };
  const candidates = combinations(fieldChoices(atoms), MAX_COMBINATIONS).flatMap((assigned) => {
    const outputs = structuredClone(base);
    for (const { path, value } of assigned) setPath(outputs, path, value, true);
    return messages.map((message) => ({ outputs, assigned, message }));
  });
  return readers.flatMap((item): Outcome[] => {
    const key = `e${item.edge.index}`;
    const found = candidates.find((candidate) => failureRouteKey(context, node.id, candidate) === key);
    if (!found) return [];
    const label = `fails with ${describeAssignments(found.assigned) || 'its outputs'}`;
    return [
      {
        kind: 'error',
        label,
        error: { message: found.message, code: 'simulated_failure', kind: 'error', outputs: found.outputs },
      },
    ];
  });
}

/** Which way the machine routes `node`'s failure with this message and these outputs. */
function failureRouteKey(
  context: DeriveContext,
  node: string,
  failure: { outputs: Record<string, unknown>; message: string },
): string {
  const fresh = initialContext(context.workflow, { runId: 'paths', inputs: context.inputs }, 'flat');
  const failed = { status: 'FAILED' as const, visits: 1, attempt: 1, entries: 1, error: failure.message };
  const run = { ...fresh, ...withNodeState(fresh, node, failed) };
  run.outputs = { ...Object.fromEntries(context.defaults), [node]: failure.outputs };
  const error = { message: failure.message, code: 'simulated_failure', kind: 'error' as const };
  return decideFailure(context.workflow, run, node, error).key;
}

/** An error text that makes an `error` edge's condition hold, found among the samples of its error_of() comparisons. */
function errorMessageFor(node: string, item: EdgeExpression, context: DeriveContext): string | undefined {
  const texts = item.shape.atoms
    .filter((atom) => atom.ref.kind === 'error' && atom.ref.node === node)
    .flatMap((atom) => samplesFor(atom))
    .filter((value): value is string => typeof value === 'string');
  return [...texts, `${node} failed (simulated)`].find((message) => {
    const scope = scopeFor(context, node, context.defaults.get(node) ?? {}, item.edge);
    scope.nodes = { [node]: { status: 'FAILED', visits: 1, attempt: 1, error: message } };
    return verdict(item, scope) === 'true';
  });
}
