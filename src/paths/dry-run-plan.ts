// What a dry run follows: the happy path (or path N as `sopstate paths` numbers it), replayed node by node with the
// outputs the path model synthesizes, each completion saying which of its outputs were made up.
import { NodeError, type Executor, type NodeExecution, type NodeResult } from '../adapters/executor.ts';
import type { RunEvent } from '../events/run-event.ts';
import type { Workflow, WorkflowNode } from '../osop/workflow.ts';
import { initialContext } from '../machine/context.ts';
import { decideSuccess } from '../machine/route.ts';
import { checkRun } from './check-run.ts';
import { edgeExpressions } from './edge-expressions.ts';
import { pathSteps } from './enumerate.ts';
import { DEFAULT_MAX_PATHS } from './limits.ts';
import { deriveOutcomes, type Outcome } from './outcomes.ts';
import type { PathEnumeration, PathStep, WorkflowPath } from './path.ts';
import { pathSummary } from './path.ts';
import { sampleInputs } from './sample-values.ts';
import { runAtOnce, runInSlices, type SliceOptions, type Steps } from '../util/sliced.ts';

export class DryRunPlanError extends Error {}

export interface DryRunPlan {
  /** The path the run follows; absent when the workflow has none within the enumeration's bounds. */
  path?: WorkflowPath;
  /** One line for the user: which path, and why that one. */
  describe: string;
  /** The inputs the path was derived with: the run takes these where the user gave none. */
  inputs: Record<string, unknown>;
  /** The executor for every node type but `human` (people still decide in a dry run). */
  executor: Executor;
  /** After the run: how it left the path, in words (empty when it followed it). */
  departures(events: RunEvent[]): string[];
}

export interface DryRunPlanOptions {
  /** Follow this path (1-based, as `sopstate paths` lists them) instead of the happy path. */
  path?: number;
  /** Inputs the user set: the happy path is chosen among the paths that run with these values, when one does. */
  given?: Record<string, unknown>;
}

/** When the run leaves its path, a node waits at most this long for the steps listed before it. */
const OFF_PATH_WAIT_MS = 100;

const failed = (path: WorkflowPath) => path.steps.some((step) => step.outcome.kind === 'error');

/** Prior outputs and inputs a node's outputs are routed with. */
interface RoutingScope {
  inputs: Record<string, unknown>;
  outputs: Record<string, Record<string, unknown>>;
}

/** Nodes whose routing (conditions, switch values, for_each lists) reads `node`'s outputs. */
function decidersOf(workflow: Workflow): Map<string, string[]> {
  const byNode = new Map<string, Set<string>>();
  for (const item of edgeExpressions(workflow))
    for (const ref of item.shape.refs)
      if (ref.kind === 'output') byNode.set(ref.node, (byNode.get(ref.node) ?? new Set()).add(item.edge.from));
  return new Map([...byNode].map(([node, deciders]) => [node, [...deciders]]));
}

/** The way each decider routes when `node` produced `outputs` (the machine's own rule), as one comparable text. */
function routing(workflow: Workflow, deciders: string[], scope: RoutingScope, node: string, outputs: object): string {
  const run = initialContext(workflow, { runId: 'dry-run', inputs: scope.inputs, dryRun: true }, 'flat');
  run.outputs = { ...scope.outputs, [node]: outputs as Record<string, unknown> };
  return deciders
    .map((decider) => {
      try {
        const { key, taken, startLoop } = decideSuccess(workflow, run, decider);
        // A loop's items may differ (the author's region names), not how many there are.
        return JSON.stringify([key, taken, startLoop?.body, startLoop?.loop.items.length]);
      } catch {
        return 'error';
      }
    })
    .join('\n');
}

/** `sample` laid over `outputs`; a list of placeholder items takes the sample's items, as many as the path has. */
function overlay(outputs: unknown, sample: unknown): unknown {
  if (isRecord(outputs) && isRecord(sample)) {
    const merged: Record<string, unknown> = { ...outputs };
    for (const [key, value] of Object.entries(sample)) merged[key] = overlay(outputs[key], value);
    return merged;
  }
  if (Array.isArray(outputs) && Array.isArray(sample) && sample.length > 0 && outputs.every((item) => item === ''))
    return outputs.map((_, index) => structuredClone(sample[index % sample.length]));
  return structuredClone(sample);
}

/**
 * The path's outputs with as much of the author's `x-sample` as keeps the same route: whole, else field by field.
 * `conflicts`: some sample field had to give way to take the path.
 */
function withSample(
  workflow: Workflow,
  deciders: string[],
  scope: RoutingScope,
  node: WorkflowNode,
  outputs: Record<string, unknown>,
): { outputs: Record<string, unknown>; conflicts: boolean } {
  const sample = node.sample;
  if (!sample || Object.keys(sample).length === 0) return { outputs, conflicts: false };
  const route = routing(workflow, deciders, scope, node.id, outputs);
  const alike = (candidate: object) => routing(workflow, deciders, scope, node.id, candidate) === route;
  const whole = overlay(outputs, sample) as Record<string, unknown>;
  if (alike(whole)) return { outputs: whole, conflicts: false };
  let kept = outputs;
  for (const [key, value] of Object.entries(sample)) {
    const candidate = { ...kept, [key]: overlay(kept[key], value) };
    if (alike(candidate)) kept = candidate;
  }
  return { outputs: kept, conflicts: true };
}

/** How many steps of the path must contradict an `x-sample` the author wrote to take it. */
function sampleConflicts(workflow: Workflow, deciders: Map<string, string[]>, path: WorkflowPath): number {
  const nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
  const scope: RoutingScope = { inputs: path.inputs, outputs: {} };
  let conflicts = 0;
  for (const step of path.steps) {
    const node = nodes.get(step.node);
    if (!node || step.outcome.kind !== 'done') continue;
    const chosen = withSample(workflow, deciders.get(node.id) ?? [], scope, node, step.outcome.outputs);
    if (chosen.conflicts) conflicts += 1;
    scope.outputs = { ...scope.outputs, [node.id]: chosen.outputs };
  }
  return conflicts;
}

/**
 * The happy path: of the paths that end COMPLETED with no node failing (so no error, timeout or fallback edge), the
 * one that agrees most with the `x-sample` outputs the author wrote; then the one that runs the most distinct nodes;
 * then the fewest steps (no loop turned more than it must); then the first listed.
 */
function happyPath(workflow: Workflow, paths: WorkflowPath[]): WorkflowPath | undefined {
  const happy = paths.filter((path) => path.status === 'COMPLETED' && !failed(path));
  const deciders = decidersOf(workflow);
  const rank = (path: WorkflowPath) => [
    -sampleConflicts(workflow, deciders, path),
    new Set(path.steps.map((step) => step.node)).size,
    -path.steps.length,
  ];
  return happy.reduce<WorkflowPath | undefined>((best, path) => {
    if (!best) return path;
    const [a, b] = [rank(path), rank(best)];
    const first = a.findIndex((value, index) => value !== b[index]);
    return first >= 0 && a[first]! > b[first]! ? path : best;
  }, undefined);
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Dotted paths of the leaves of `outputs` whose value the author did not give (`given`: x-sample, x-test-case). */
function madeUp(outputs: Record<string, unknown>, given: unknown, prefix: string[] = []): string[] {
  return Object.entries(outputs).flatMap(([key, value]) => {
    const at = [...prefix, key];
    const author = isRecord(given) ? given[key] : undefined;
    if (isRecord(value) && Object.keys(value).length > 0) return madeUp(value, author, at);
    return sameValue(value, author) ? [] : [at.join('.')];
  });
}

/** A value of the declared schema's type for an output no condition reads (a placeholder text otherwise). */
function schemaSample(schema: Record<string, unknown> | undefined, placeholder: string): unknown {
  if (!schema) return placeholder;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const byType: Record<string, unknown> = { number: 0, integer: 0, boolean: false, array: [], object: {}, null: null };
  return typeof type === 'string' && type in byType ? structuredClone(byType[type]) : placeholder;
}

/** The outputs a done outcome completes with (with what it can keep of the x-sample), and which were synthesized. */
function dryOutputs(
  node: WorkflowNode,
  outcome: Extract<Outcome, { kind: 'done' }>,
  keepSample: (outputs: Record<string, unknown>) => Record<string, unknown>,
): NodeResult {
  const outputs = keepSample(structuredClone(outcome.outputs));
  for (const spec of node.outputs) {
    const placeholder = `<${node.id}.${spec.name}>`;
    if (outputs[spec.name] === placeholder) outputs[spec.name] = schemaSample(spec.schema, placeholder);
  }
  const testCase = outcome.label.startsWith('x-test-case')
    ? Object.fromEntries(outcome.assigned.map(({ path, value }) => [path.join('.'), value]))
    : {};
  const synthesized = madeUp(outputs, node.sample ?? {}).filter((field) => !(field in testCase));
  return { outputs, ...(synthesized.length > 0 ? { synthesized } : {}) };
}

function resultOf(
  node: WorkflowNode,
  outcome: Outcome,
  keepSample: (outputs: Record<string, unknown>) => Record<string, unknown>,
): NodeResult {
  if (outcome.kind === 'done') return dryOutputs(node, outcome, keepSample);
  const { message, code, kind } = outcome.error;
  throw new NodeError(message, { code, kind, retryable: false });
}

function choosePath(
  workflow: Workflow,
  enumeration: PathEnumeration,
  options: DryRunPlanOptions,
): { path?: WorkflowPath; why: string } {
  const { paths } = enumeration;
  if (options.path !== undefined) {
    const chosen = paths.find((path) => path.id === options.path);
    if (!chosen) {
      const listed = paths.length === 0 ? 'it has no path' : `its paths are 1 to ${paths.length}`;
      throw new DryRunPlanError(
        `--path ${options.path}: ${enumeration.workflowId} has no path ${options.path} (${listed}; see sopstate paths)`,
      );
    }
    return { path: chosen, why: `path ${chosen.id}` };
  }
  const given = Object.entries(options.given ?? {});
  const matching = paths.filter((path) => given.every(([name, value]) => sameValue(path.inputs[name], value)));
  const happy = happyPath(workflow, matching) ?? happyPath(workflow, paths);
  if (happy) return { path: happy, why: `the happy path (path ${happy.id})` };
  const completed = paths.find((path) => path.status === 'COMPLETED');
  if (completed) return { path: completed, why: `path ${completed.id}: no path completes without a failure` };
  if (paths[0]) return { path: paths[0], why: `path ${paths[0].id}: no path completes` };
  return {
    why: `no path: ${enumeration.stoppedBecause ?? 'the workflow has none'}; each node completes as it would first`,
  };
}

/**
 * Releases each step once the steps before it (of nodes this executor runs) have finished, as the path orders
 * parallel branches. A run that left its path would wait for a step that never comes: after OFF_PATH_WAIT_MS with
 * nothing finishing, the node goes ahead.
 */
function inOrder(path: WorkflowPath | undefined, isOurs: (step: PathStep) => boolean) {
  const order = (path?.steps ?? []).map((step) => `${step.node}#${step.visit}`);
  const ours = (path?.steps ?? []).map(isOurs);
  const settled = new Set<number>();
  const claimed = new Set<number>();
  let wake: Array<() => void> = [];
  const settle = (index: number) => {
    if (index >= 0) settled.add(index);
    const waiting = wake;
    wake = [];
    for (const resume of waiting) resume();
  };
  const ready = (index: number) => ours.every((mine, before) => !mine || before >= index || settled.has(before));
  return {
    /** The step this execution stands for: its visit, else the node's next step not yet run (visits numbered apart). */
    indexOf: (execution: NodeExecution) => {
      const key = `${execution.node.id}#${execution.visit}`;
      const free = (index: number) => !claimed.has(index);
      let index = order.findIndex((entry, at) => entry === key && free(at));
      if (index < 0) index = (path?.steps ?? []).findIndex((step, at) => step.node === execution.node.id && free(at));
      if (index >= 0) claimed.add(index);
      return index;
    },
    async wait(index: number, signal: AbortSignal): Promise<void> {
      const until = index < 0 ? order.length : index;
      while (!ready(until) && !signal.aborted) {
        // A timer that keeps the process alive: while a node waits, nothing else may be pending.
        let timer: NodeJS.Timeout | undefined;
        const progressed = await new Promise<boolean>((resolve) => {
          wake.push(() => resolve(true));
          timer = setTimeout(() => resolve(false), OFF_PATH_WAIT_MS);
        });
        clearTimeout(timer);
        if (!progressed) return;
      }
    },
    settle,
  };
}

/** The workflow with the given inputs as its defaults: its paths are then the ones a run with those inputs can take. */
function withInputs(workflow: Workflow, given: Record<string, unknown>): Workflow {
  if (Object.keys(given).length === 0) return workflow;
  const inputs = workflow.inputs.map((spec) => (spec.name in given ? { ...spec, default: given[spec.name] } : spec));
  return { ...workflow, inputs };
}

/** The plan at once, for a CLI command. */
export const planDryRun = (workflow: Workflow, options: DryRunPlanOptions = {}): DryRunPlan =>
  runAtOnce(planSteps(workflow, options));

/**
 * The plan in slices that give the event loop back in between, for the server: finding the paths of a big workflow
 * takes seconds (a 1,000-node chain: ~1 s), which no other request should wait for.
 */
export const planDryRunInSlices = (
  workflow: Workflow,
  options: DryRunPlanOptions = {},
  slices: SliceOptions = {},
): Promise<DryRunPlan> => runInSlices(planSteps(workflow, options), slices);

function* planSteps(workflow: Workflow, options: DryRunPlanOptions): Steps<DryRunPlan> {
  // Path N is numbered as `sopstate paths` numbers it, without the inputs; the happy path is found with them.
  const modelled = options.path === undefined ? withInputs(workflow, options.given ?? {}) : workflow;
  const enumeration = yield* pathSteps(modelled, { max: Math.max(DEFAULT_MAX_PATHS, options.path ?? 0) });
  return planFrom(workflow, modelled, enumeration, options);
}

function planFrom(
  workflow: Workflow,
  modelled: Workflow,
  enumeration: PathEnumeration,
  options: DryRunPlanOptions,
): DryRunPlan {
  const { path, why } = choosePath(workflow, enumeration, options);
  const { byNode } = deriveOutcomes(modelled);
  const nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
  const firstDone = (node: string) => byNode.get(node)?.find((outcome) => outcome.kind === 'done');
  const order = inOrder(path, (step) => nodes.get(step.node)?.type !== 'human');
  const deciders = decidersOf(workflow);
  const executor: Executor = async (execution) => {
    const index = order.indexOf(execution);
    await order.wait(index, execution.signal);
    try {
      const outcome = index >= 0 ? path!.steps[index]!.outcome : firstDone(execution.node.id);
      // The execution's context, whose outputs are gathered only when read: here only for a node whose sample is
      // checked against its route (flattening them for every node made a big workflow's dry run cost N²).
      const scope: RoutingScope = execution.context;
      const keepSample = (outputs: Record<string, unknown>) =>
        withSample(workflow, deciders.get(execution.node.id) ?? [], scope, execution.node, outputs).outputs;
      return outcome
        ? resultOf(execution.node, outcome, keepSample)
        : { outputs: structuredClone(execution.node.sample ?? {}) };
    } finally {
      order.settle(index);
    }
  };
  const summary = path ? `: ${pathSummary(path)}` : '';
  return {
    ...(path ? { path } : {}),
    describe: `dry run follows ${why}${summary}`,
    inputs: madeUpOnlyWhereRead(workflow, path?.inputs ?? enumeration.inputs),
    executor,
    departures: (events) => (path ? checkRun(workflow, path, events).problems : []),
  };
}

/** A dry run's inputs: the ones the user set, and the path's for the rest (its defaults, or samples its conditions need). */
export function dryRunInputs(
  plan: DryRunPlan,
  checked: Record<string, unknown>,
  given: Iterable<string>,
): Record<string, unknown> {
  const set = new Set(given);
  return {
    ...checked,
    ...plan.inputs,
    ...Object.fromEntries(Object.entries(checked).filter(([name]) => set.has(name))),
  };
}

/**
 * The inputs a condition or a template reads: the only ones a dry run makes up when they are not given. An optional
 * input nothing reads stays absent, as in a live run.
 */
function neededInputs(workflow: Workflow): Set<string> {
  const atoms = edgeExpressions(workflow).flatMap((item) => item.shape.atoms);
  const templates = workflow.nodes.flatMap((node) => Object.values(node.runtime));
  return new Set(Object.keys(sampleInputs([], atoms, templates)));
}

/** The path's inputs, less the samples of optional inputs nothing reads (declared defaults are kept). */
function madeUpOnlyWhereRead(workflow: Workflow, inputs: Record<string, unknown>): Record<string, unknown> {
  const needed = neededInputs(workflow);
  const specs = new Map(workflow.inputs.map((spec) => [spec.name, spec]));
  return Object.fromEntries(
    Object.entries(inputs).filter(([name]) => needed.has(name) || specs.get(name)?.default !== undefined),
  );
}

/**
 * Values for the optional inputs a dry run is not given and that have no default: the samples the paths are derived
 * with. A required input must still be given (the run says which and how).
 */
export function sampleInputsFor(workflow: Workflow, given: Iterable<string>): Record<string, unknown> {
  const set = new Set(given);
  const { inputs } = deriveOutcomes(workflow);
  const needed = neededInputs(workflow);
  return Object.fromEntries(
    workflow.inputs
      .filter((spec) => !spec.required && spec.default === undefined && !set.has(spec.name))
      .filter((spec) => inputs[spec.name] !== undefined && needed.has(spec.name))
      .map((spec) => [spec.name, inputs[spec.name]]),
  );
}
