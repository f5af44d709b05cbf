// Where a node's success or failure leads: pure decisions over the workflow and the run context (docs/semantics.md "Edges and control flow").
import { evaluateCondition } from '../osop/expression.ts';
import type { EdgeMode, Workflow, WorkflowEdge } from '../osop/workflow.ts';
import type { NodeActorError, NodeActorOutput } from './actor-events.ts';
import { expressionScope, itemRegionOf, type LoopState, type RunContext } from './context.ts';
import { perWorkflow, workflowIndex } from './workflow-index.ts';
import { nodeStateOf, withNodeState, withOutputs } from './per-node.ts';
import { forEachBodies, forEachBodyOf, type ForEachBody } from './for-each-body.ts';
import { errorMessage } from '../util/error-message.ts';

export interface TakenEdge {
  from: string;
  to: string;
  mode: EdgeMode;
  condition?: string;
}

/** One possible result of routing, known at compile time; `key` names it in guards. */
export interface Outcome {
  key: string;
  targets: string[];
}

export interface Decision {
  key: string;
  taken: TakenEdge[];
  /** Target node → why its edge was not taken. */
  notes: Record<string, string>;
  /** A `for_each` loop this decision starts, keyed by its body node. */
  startLoop?: { body: string; loop: LoopState };
  /** The node ended an item of the `for_each` loop keyed by `loop`: `next` starts the next item, else the loop is over. */
  itemEnded?: { loop: string; next: boolean };
  /** Set with key CONDITION_FAILED: a condition out of the node could not be evaluated (located message). */
  failure?: string;
}

const FORK_MODES: EdgeMode[] = ['parallel', 'spawn'];
const CHOICE_MODES: EdgeMode[] = ['conditional', 'loop', 'switch'];
const DEFAULT_MODES: EdgeMode[] = ['sequential', 'event'];

export const END = 'end';
export const LOOP_NEXT = 'loop-next';
/** Prefixes the key of the loop source's own outcome, taken when the last item of its `for_each` body has ended. */
const AFTER_LOOP = 'after-loop-';
export const FAIL = 'fail';
/** A condition on an edge out of the node could not be evaluated: the node fails, no edge is taken. */
export const CONDITION_FAILED = 'condition-failed';

const edgesFrom = (workflow: Workflow, node: string, modes: EdgeMode[]) =>
  (workflowIndex(workflow).edgesFrom.get(node) ?? []).filter((edge) => modes.includes(edge.mode));

/** Edges whose conditions choose, in file order; an `otherwise` edge is not one: it goes with the defaults. */
const choiceEdges = (workflow: Workflow, node: string) =>
  edgesFrom(workflow, node, CHOICE_MODES).filter((edge) => !edge.otherwise);
/** Edges taken when no choice is: sequential and event edges, and the `otherwise` branch. */
const defaultEdges = (workflow: Workflow, node: string) =>
  (workflowIndex(workflow).edgesFrom.get(node) ?? []).filter(
    (edge) => DEFAULT_MODES.includes(edge.mode) || edge.otherwise,
  );

const unique = (targets: string[]) => [...new Set(targets)];

const taken = (edge: WorkflowEdge, to = edge.to): TakenEdge => ({
  from: edge.from,
  to,
  mode: edge.mode,
  ...(edge.when ? { condition: edge.when.source } : edge.otherwise ? { condition: 'otherwise' } : {}),
});

/** Caches outcomes per workflow and node: they depend on the graph alone, and guards ask on every transition. */
function memoByNode(
  compute: (workflow: Workflow, node: string) => Outcome[],
): (workflow: Workflow, node: string) => readonly Outcome[] {
  const byWorkflow = perWorkflow(() => new Map<string, Outcome[]>());
  return (workflow, node) => {
    const known = byWorkflow(workflow);
    let outcomes = known.get(node);
    if (!outcomes) known.set(node, (outcomes = compute(workflow, node)));
    return outcomes;
  };
}

/** The success outcomes of a node's own edges. */
function ownSuccessOutcomes(workflow: Workflow, node: string): Outcome[] {
  const forks = edgesFrom(workflow, node, FORK_MODES).map((edge) => edge.to);
  const outcomes: Outcome[] = [];
  for (const edge of choiceEdges(workflow, node)) {
    if (edge.mode !== 'switch') {
      outcomes.push({ key: `e${edge.index}`, targets: unique([...forks, edge.to]) });
      continue;
    }
    (edge.cases ?? []).forEach((entry, index) =>
      outcomes.push({ key: `e${edge.index}c${index}`, targets: unique([...forks, entry.to]) }),
    );
    outcomes.push({ key: `e${edge.index}d`, targets: unique([...forks, edge.defaultTo ?? edge.to]) });
  }
  const defaults = unique([...forks, ...defaultEdges(workflow, node).map((edge) => edge.to)]);
  outcomes.push({ key: defaults.length > 0 ? 'default' : END, targets: defaults });
  if (choiceEdges(workflow, node).length > 0) outcomes.push({ key: CONDITION_FAILED, targets: [] });
  return outcomes;
}

/**
 * A `for_each` body node whose own outcome leaves the body (or ends) ends its item: then the next item starts at the
 * body's entry. The last item goes on along the edge it left by; if it left by none (or back to the loop's source),
 * the source routes as if its loop edge were not there (these outcomes).
 */
function itemEndOutcomes(workflow: Workflow, node: string, own: Outcome[], ignore: string): Outcome[] {
  const body = forEachBodyOf(workflow, node);
  if (!body || !own.some((outcome) => outcome.key !== ignore && outcome.targets.every((t) => !body.nodes.has(t))))
    return [];
  const after = ownSuccessOutcomes(workflow, body.edge.from)
    .filter((outcome) => outcome.key !== `e${body.edge.index}` && outcome.key !== CONDITION_FAILED)
    .map((outcome) => ({ key: `${AFTER_LOOP}${outcome.key}`, targets: outcome.targets }));
  return [{ key: LOOP_NEXT, targets: [body.edge.to] }, ...after];
}

/** Every success outcome of a node, in the order guards are tried. */
export const successOutcomes = memoByNode((workflow, node) => {
  const own = ownSuccessOutcomes(workflow, node);
  const ends = itemEndOutcomes(workflow, node, own, CONDITION_FAILED);
  const sourceChooses = ends.length > 0 && choiceEdges(workflow, forEachBodyOf(workflow, node)!.edge.from).length > 1;
  const canFail = sourceChooses && !own.some((outcome) => outcome.key === CONDITION_FAILED);
  return [...own, ...ends, ...(canFail ? [{ key: CONDITION_FAILED, targets: [] }] : [])];
});

/** Every failure outcome of a node, in the order guards are tried. */
export const failureOutcomes = memoByNode((workflow, node) => {
  const outcomes: Outcome[] = edgesFrom(workflow, node, ['error']).map((edge) => ({
    key: `e${edge.index}`,
    targets: [edge.to],
  }));
  const timeouts = unique(edgesFrom(workflow, node, ['timeout']).map((edge) => edge.to));
  if (timeouts.length > 0) outcomes.push({ key: 'timeout', targets: timeouts });
  const fallbacks = unique(edgesFrom(workflow, node, ['fallback']).map((edge) => edge.to));
  if (fallbacks.length > 0) outcomes.push({ key: 'fallback', targets: fallbacks });
  outcomes.push(...itemEndOutcomes(workflow, node, outcomes, FAIL));
  outcomes.push({ key: FAIL, targets: [] });
  return outcomes;
});

export const outcomeTargets = (outcomes: readonly Outcome[], key: string): string[] =>
  outcomes.find((outcome) => outcome.key === key)?.targets ?? [];

/** The context as guards must see it: the finishing node's result already recorded. */
export function withSuccess(context: RunContext, node: string, output: NodeActorOutput): RunContext {
  const before = nodeStateOf(context, node)!;
  const state = {
    ...before,
    status: 'COMPLETED' as const,
    attempt: output.attempt ?? before.attempt,
    durationMs: output.durationMs,
  };
  return { ...context, ...withOutputs(withNodeState(context, node, state), node, output.outputs ?? {}) };
}

export function withFailure(context: RunContext, node: string, error: NodeActorError): RunContext {
  const before = nodeStateOf(context, node)!;
  const state = {
    ...before,
    status: error.kind === 'timeout' ? ('TIMEOUT' as const) : ('FAILED' as const),
    error: error.message,
    attempt: error.attempt ?? before.attempt,
    durationMs: error.durationMs,
  };
  const records = withNodeState(context, node, state);
  return { ...context, ...(error.outputs ? withOutputs(records, node, error.outputs) : records) };
}

const reasonOf = (failure: unknown) => errorMessage(failure);

const sameValue = (left: unknown, right: unknown): boolean => JSON.stringify(left) === JSON.stringify(right);

type Choice = { key: string; taken: TakenEdge; startLoop?: Decision['startLoop'] } | { note: string; failure?: string };

const at = (edge: WorkflowEdge) => {
  const position = edge.when?.position ?? edge.forEach?.position ?? edge.position;
  return `${position.file}:${position.line}:${position.col}`;
};

const noteFor = (edge: WorkflowEdge, why: string) => `${edge.mode} edge ${edge.from} → ${edge.to} not taken: ${why}`;

function choose(
  workflow: Workflow,
  edge: WorkflowEdge,
  context: RunContext,
  now: number | undefined,
  region: string | undefined,
): Choice {
  const note = (why: string): Choice => ({ note: noteFor(edge, why) });
  const scope = expressionScope(context, edge.from, now, region);
  try {
    if (edge.mode === 'switch') {
      if (!edge.when) return note(`switch edge from ${edge.from} has no value expression`);
      const value = edge.when.evaluate(scope);
      const index = (edge.cases ?? []).findIndex((entry) => sameValue(entry.value, value));
      if (index >= 0) return { key: `e${edge.index}c${index}`, taken: taken(edge, edge.cases![index].to) };
      return { key: `e${edge.index}d`, taken: taken(edge, edge.defaultTo ?? edge.to) };
    }
    if (edge.mode === 'loop' && edge.forEach) {
      const items = edge.forEach.evaluate(scope);
      if (!Array.isArray(items))
        return note(`for_each "${edge.forEach.source}" gave ${JSON.stringify(items)}, not a list`);
      if (items.length === 0) return note(`for_each "${edge.forEach.source}" gave an empty list`);
      if (edge.when && !evaluateCondition(edge.when, scope)) return note(`condition "${edge.when.source}" was false`);
      const loop: LoopState = {
        from: edge.from,
        edge: edge.index,
        variable: edge.iteratorVar ?? 'item',
        items,
        index: 0,
        nodes: [...(forEachBodies(workflow).byEdge.get(edge.index)?.nodes ?? [edge.to])],
        ...(edge.forEachConcurrency ? { next: 0, regions: {} } : {}),
      };
      return { key: `e${edge.index}`, taken: taken(edge), startLoop: { body: edge.to, loop } };
    }
    if (edge.when && !evaluateCondition(edge.when, scope)) return note(`condition "${edge.when.source}" was false`);
    return { key: `e${edge.index}`, taken: taken(edge) };
  } catch (failure) {
    const why = reasonOf(failure);
    return { ...note(why), failure: `${edge.from} → ${edge.to} (${at(edge)}): ${why}` };
  }
}

interface ActiveLoop {
  body: ForEachBody;
  loop: LoopState;
}

/** The `for_each` loop in progress whose body `node` is in. */
function activeLoop(workflow: Workflow, context: RunContext, node: string): ActiveLoop | undefined {
  const body = forEachBodyOf(workflow, node);
  const loop = body ? context.loops[body.edge.to] : undefined;
  return body && loop?.edge === body.edge.index ? { body, loop } : undefined;
}

/** A decision inside a body, unless it leaves the body: then the item has ended (see itemEndOutcomes). */
function withinItem(
  workflow: Workflow,
  context: RunContext,
  { body, loop }: ActiveLoop,
  decision: Decision,
  now: number | undefined,
): Decision {
  if (decision.key === CONDITION_FAILED || decision.taken.some((edge) => body.nodes.has(edge.to))) return decision;
  const loopKey = body.edge.to;
  // Items run at once: the region claims the next item; the run goes on from the source once all regions ended.
  if (loop.regions)
    return { key: LOOP_NEXT, taken: [], notes: decision.notes, itemEnded: { loop: loopKey, next: true } };
  if (loop.index + 1 < loop.items.length)
    return {
      key: LOOP_NEXT,
      taken: [{ from: loop.from, to: loopKey, mode: 'loop' }],
      notes: decision.notes,
      itemEnded: { loop: loopKey, next: true },
    };
  // The last item goes on where it left the body; one that ended there (or went back to the source), from the source.
  if (decision.taken.length > 0 && !decision.taken.some((edge) => edge.to === loop.from))
    return { ...decision, itemEnded: { loop: loopKey, next: false } };
  const after = decideOwn(workflow, context, loop.from, now, body.edge.index);
  if (after.key === CONDITION_FAILED) return after;
  return {
    ...after,
    key: `${AFTER_LOOP}${after.key}`,
    notes: { ...decision.notes, ...after.notes },
    itemEnded: { loop: loopKey, next: false },
  };
}

/**
 * After `node` succeeded (context already holds its outputs); `now`: what `now()` returns in its conditions;
 * `region`: the region of a parallel `for_each` it ran in.
 */
export function decideSuccess(
  workflow: Workflow,
  context: RunContext,
  node: string,
  now?: number,
  region?: string,
): Decision {
  const active = activeLoop(workflow, context, node);
  const decision = decideOwn(workflow, context, node, now, active?.body.edge.index, region);
  return active ? withinItem(workflow, context, active, decision, now) : decision;
}

/** Where the run goes once every item of a parallel `for_each` ended: on from its source `from`, skipping edge `edge`. */
export function decideAfterLoop(workflow: Workflow, context: RunContext, from: string, edge: number): Decision {
  return decideOwn(workflow, context, from, undefined, edge);
}

/** Where `node`'s own success edges lead; `skip`: the index of a loop edge in progress, not taken again. */
function decideOwn(
  workflow: Workflow,
  context: RunContext,
  node: string,
  now: number | undefined,
  skip: number | undefined,
  region?: string,
): Decision {
  const forks = edgesFrom(workflow, node, FORK_MODES).map((edge) => taken(edge));
  const notes: Record<string, string> = {};
  for (const edge of choiceEdges(workflow, node)) {
    if (edge.index === skip) continue;
    const choice = choose(workflow, edge, context, now, region);
    if ('note' in choice && choice.failure && !context.dryRun) {
      return { key: CONDITION_FAILED, taken: [], notes, failure: choice.failure };
    }
    if ('note' in choice) {
      notes[edge.to] = choice.note;
      continue;
    }
    return {
      key: choice.key,
      taken: [...forks, choice.taken],
      notes,
      ...(choice.startLoop ? { startLoop: choice.startLoop } : {}),
    };
  }
  const defaults = [...forks, ...defaultEdges(workflow, node).map((edge) => taken(edge))];
  return { key: defaults.length > 0 ? 'default' : END, taken: defaults, notes };
}

/** After `node` failed with retries exhausted (context already holds its error); `now` as in decideSuccess. */
export function decideFailure(
  workflow: Workflow,
  context: RunContext,
  node: string,
  error: NodeActorError,
  now?: number,
  region?: string,
): Decision {
  const decision = decideOwnFailure(workflow, context, node, error, now, region);
  const active = decision.key === FAIL ? undefined : activeLoop(workflow, context, node);
  if (!active) return decision;
  const within = withinItem(workflow, context, active, decision, now);
  // The source's condition could not be evaluated after a failed last item: the run fails with the item's error.
  return within.key === CONDITION_FAILED ? { key: FAIL, taken: [], notes: decision.notes } : within;
}

function decideOwnFailure(
  workflow: Workflow,
  context: RunContext,
  node: string,
  error: NodeActorError,
  now?: number,
  region?: string,
): Decision {
  const notes: Record<string, string> = {};
  // Only a definite failure says the effect did not happen; any edge after an indeterminate one could repeat it, and
  // so could one after a call that took effect before its node failed.
  if (error.indeterminate || error.acted) return { key: FAIL, taken: [], notes };
  for (const edge of edgesFrom(workflow, node, ['error'])) {
    try {
      if (!edge.when || evaluateCondition(edge.when, expressionScope(context, node, now, region)))
        return { key: `e${edge.index}`, taken: [taken(edge)], notes };
      notes[edge.to] = noteFor(edge, `condition "${edge.when.source}" was false`);
    } catch (failure) {
      notes[edge.to] = noteFor(edge, reasonOf(failure));
    }
  }
  const timeouts = edgesFrom(workflow, node, ['timeout']);
  if (error.kind === 'timeout' && timeouts.length > 0)
    return { key: 'timeout', taken: timeouts.map((edge) => taken(edge)), notes };
  const fallbacks = edgesFrom(workflow, node, ['fallback']);
  if (fallbacks.length > 0) return { key: 'fallback', taken: fallbacks.map((edge) => taken(edge)), notes };
  return { key: FAIL, taken: [], notes };
}

/** The first target that would be entered more than its `max_iterations` (in `region`: within its item). */
export function overLimit(
  workflow: Workflow,
  context: RunContext,
  targets: string[],
  region?: string,
): string | undefined {
  const { nodes } = workflowIndex(workflow);
  return targets.find((target) => {
    const node = nodes.get(target);
    if (node === undefined) return false;
    const item = itemRegionOf(context, target, region);
    return (item ? (item.entries[target] ?? 0) : nodeStateOf(context, target)!.entries) >= node.maxIterations;
  });
}
