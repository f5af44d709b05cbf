// Every path from the start to a final state: state-graph.ts builds the state graph, a bounded depth-first walk lists the paths.
import type { SnapshotFrom } from 'xstate';
import { compileWorkflow, type WorkflowMachine } from '../machine/compile.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { InputVariant } from './input-variants.ts';
import { DEFAULT_MAX_PATHS } from './limits.ts';
import { deriveOutcomes } from './outcomes.ts';
import type { FinalStatus, PathEnumeration, PathStep, WorkflowPath } from './path.ts';
import { stateKey } from './state-key.ts';
import { nodeStateOf } from '../machine/per-node.ts';
import { sameSteps, StepTrail } from './step-trail.ts';
import { finalStatusOf, runningNodes } from './snapshot-reading.ts';
import { stateGraph, type GraphState, type Move } from './state-graph.ts';
import { walkEvents, type WalkEvents } from './walk-events.ts';
import { runAtOnce, type Steps } from '../util/sliced.ts';

export interface EnumerateOptions {
  /** Stop after this many paths (default 1000). */
  max?: number;
  /** Stop building the state graph past this many distinct states (default 20000). */
  maxStates?: number;
}

export { DEFAULT_MAX_PATHS };
export const DEFAULT_MAX_STATES = 20_000;
/**
 * Each state holds every node's status, and building one copies them: memory and time grow with states × nodes, so
 * the state bound shrinks as the workflow grows (a 1,000-node chain's 1,002 states fit; 5,000 nodes: 400 states).
 */
const MAX_STATE_CELLS = 2_000_000;
/** Past this, compiling the machine alone takes seconds and the cell bound leaves under 400 states: answer at once. */
const MAX_PATH_NODES = 5_000;
/**
 * Branches of one fork: XState recomputes a parallel state's whole value at every microstep, and each branch adds
 * microsteps, so a walk over a fork costs about branches³ (100 branches: ~1 s; 300: ~45 s on a busy 2-core machine).
 */
const MAX_FORK_BRANCHES = 100;
/** Steps held over all listed paths: long paths that branch at every step would otherwise fill the heap. */
const MAX_KEPT_STEPS = 1_000_000;

type RunSnapshot = SnapshotFrom<WorkflowMachine>;
type Adjacency = Map<string, GraphState>;

interface Walk {
  adjacency: Adjacency;
  key: (snapshot: RunSnapshot) => string;
  events: WalkEvents;
  variant: InputVariant;
  max: number;
  paths: WorkflowPath[];
  /** Paths already listed, by a hash of their steps: a path that inputs do not affect is listed once. */
  seen: Map<string, WorkflowPath[]>;
  stopped: boolean;
  /** Which bound stopped the walk, in the words the report shows. */
  stopReason?: string;
  keptSteps: number;
  stuck: number;
}

const tooManyStates = (maxStates: number, nodes: number, byCells: boolean) =>
  byCells
    ? `the workflow has more than ${maxStates} distinct states to explore: with ${nodes} nodes, paths keeps at most ` +
      `${maxStates} states (${MAX_STATE_CELLS} node states in all); split the workflow`
    : `the workflow has more than ${maxStates} distinct states to explore (raise the state bound or split the workflow)`;

export const enumeratePaths = (workflow: Workflow, options: EnumerateOptions = {}): PathEnumeration =>
  runAtOnce(pathSteps(workflow, options));

/** enumeratePaths as steps: it yields between states and between moves, for a caller that runs it in slices. */
export function* pathSteps(workflow: Workflow, options: EnumerateOptions = {}): Steps<PathEnumeration> {
  const max = options.max ?? DEFAULT_MAX_PATHS;
  if (workflow.nodes.length > MAX_PATH_NODES) {
    const why = `the workflow has ${workflow.nodes.length} nodes; paths explores at most ${MAX_PATH_NODES} (split the workflow)`;
    return { workflowId: workflow.id, inputs: {}, paths: [], complete: false, statesExplored: 0, stoppedBecause: why };
  }
  const widest = widestFork(workflow);
  if (widest && widest.branches > MAX_FORK_BRANCHES) {
    const why =
      `${widest.node} forks into ${widest.branches} parallel branches; paths explores forks of at most ` +
      `${MAX_FORK_BRANCHES} branches (split the workflow, or test the branches on their own)`;
    return { workflowId: workflow.id, inputs: {}, paths: [], complete: false, statesExplored: 0, stoppedBecause: why };
  }
  const byCells = Math.floor(MAX_STATE_CELLS / Math.max(1, workflow.nodes.length));
  const maxStates = Math.min(options.maxStates ?? DEFAULT_MAX_STATES, byCells);
  const { byNode, inputs, variants } = deriveOutcomes(workflow);
  const machine = compileWorkflow(workflow);
  const key = stateKey(workflow);
  // Which branch finishes first only matters when a join does not wait for all of them.
  const interleave = workflow.edges.some((edge) => edge.joinMode === 'wait_any' || edge.joinMode === 'wait_n');
  const paths: WorkflowPath[] = [];
  const seen = new Map<string, WorkflowPath[]>();
  const notes: string[] = [];
  let statesExplored = 0;
  let stopped = false;
  for (const variant of variants) {
    const events = walkEvents(
      workflow.nodes.map((node) => node.id),
      byNode,
      { interleave },
    );
    const adjacency = yield* stateGraph(workflow, machine, {
      input: { runId: 'paths', inputs: variant.inputs },
      events: (snapshot) => events.forRunning(runningNodes(snapshot)),
      key,
      limit: maxStates,
    });
    if (!adjacency) {
      notes.push(tooManyStates(maxStates, workflow.nodes.length, maxStates === byCells));
      stopped = true;
      break;
    }
    statesExplored += adjacency.size;
    const walk: Walk = {
      adjacency,
      key,
      events,
      variant,
      max,
      paths,
      seen,
      stopped: false,
      keptSteps: 0,
      stuck: 0,
    };
    const [startKey] = adjacency.keys();
    if (startKey) yield* visit(walk, startKey);
    if (walk.stuck > 0)
      notes.push(`${walk.stuck} walk(s) reached a state with nothing left to run and no final status`);
    if (walk.stopped) {
      notes.unshift(walk.stopReason ?? `stopped after ${max} paths (--max ${max}); the workflow has more`);
      stopped = true;
      break;
    }
  }
  return {
    workflowId: workflow.id,
    inputs,
    paths,
    complete: !stopped,
    statesExplored,
    ...(notes.length ? { stoppedBecause: notes.join('; ') } : {}),
  };
}

/** The node with the most `parallel`/`spawn` edges out of it (the start, when the workflow starts with several). */
function widestFork(workflow: Workflow): { node: string; branches: number } | undefined {
  const branches = new Map<string, Set<string>>();
  for (const edge of workflow.edges) {
    if (edge.mode !== 'parallel' && edge.mode !== 'spawn') continue;
    const targets = branches.get(edge.from) ?? new Set<string>();
    targets.add(edge.to);
    branches.set(edge.from, targets);
  }
  let widest: { node: string; branches: number } | undefined =
    workflow.start.length > 1 ? { node: 'the start', branches: workflow.start.length } : undefined;
  for (const [node, targets] of branches)
    if (!widest || targets.size > widest.branches) widest = { node, branches: targets.size };
  return widest;
}

interface Frame {
  key: string;
  before: RunSnapshot;
  moves: Move[];
  next: number;
  moved: boolean;
  /** Whether this frame pushed a step that its child frame extends (popped when the child is done). */
  stepped: boolean;
}

/**
 * Depth-first over the adjacency map with an explicit stack: a path as long as the workflow (thousands of steps)
 * needs no call stack, and the stack holds one frame per step of the current path, never more.
 */
function* visit(walk: Walk, startKey: string): Steps<void> {
  const trail = new StepTrail();
  const { steps } = trail;
  const onStack = new Set<string>([startKey]);
  const frameOf = (key: string): Frame | undefined => {
    const entry = walk.adjacency.get(key);
    return entry ? { key, before: entry.state, moves: entry.moves, next: 0, moved: false, stepped: false } : undefined;
  };
  const first = frameOf(startKey);
  const stack: Frame[] = first ? [first] : [];
  while (stack.length > 0 && !walk.stopped) {
    yield;
    const frame = stack[stack.length - 1];
    if (frame.stepped) {
      trail.pop();
      frame.stepped = false;
    }
    const move = frame.moves[frame.next++];
    if (!move) {
      if (!frame.moved) walk.stuck += 1;
      stack.pop();
      onStack.delete(frame.key);
      continue;
    }
    const nextKey = walk.key(move.state);
    if (nextKey === frame.key || onStack.has(nextKey)) continue;
    const step = stepOf(walk, frame.before, move, steps);
    if (!step) continue;
    frame.moved = true;
    trail.push(step);
    if (step.final) {
      record(walk, trail, step.final, move.state.context.error?.message);
      trail.pop();
      continue;
    }
    const child = frameOf(nextKey);
    if (!child) {
      trail.pop();
      continue;
    }
    frame.stepped = true;
    onStack.add(nextKey);
    stack.push(child);
  }
}

function stepOf(walk: Walk, before: RunSnapshot, move: Move, steps: PathStep[]): PathStep | undefined {
  const origin = walk.events.originOf(move.event);
  if (!origin) return undefined;
  // The machine's entry count, not the finished steps: a parallel sibling cut short by a fallback still used up a visit.
  const entered = nodeStateOf(before.context, origin.node)?.visits;
  const visitNumber = entered ?? steps.filter((step) => step.node === origin.node).length + 1;
  const final = finalStatusOf(move.state);
  return {
    node: origin.node,
    visit: visitNumber,
    outcome: origin.outcome,
    edges: move.edges,
    ...(final ? { final } : {}),
  };
}

function record(walk: Walk, trail: StepTrail, status: FinalStatus, error: string | undefined): void {
  const { steps } = trail;
  const hash = trail.hash();
  const alike = walk.seen.get(hash);
  if (alike?.some((path) => sameSteps(path.steps, steps))) return;
  if (walk.paths.length >= walk.max) {
    walk.stopped = true;
    return;
  }
  if (walk.keptSteps + steps.length > MAX_KEPT_STEPS) {
    walk.stopped = true;
    walk.stopReason =
      `stopped after ${walk.paths.length} paths (${walk.keptSteps} steps, the most paths keeps is ${MAX_KEPT_STEPS}): ` +
      'the workflow has more and longer paths than that; test a part of it or lower its max_iterations';
    return;
  }
  walk.keptSteps += steps.length;
  const { inputs, label } = walk.variant;
  const path: WorkflowPath = {
    id: walk.paths.length + 1,
    // Paths share step objects (the walk makes a new one per step and never changes it): a long walk's listing holds
    // one copy of each step, not one per path through it.
    steps: [...steps],
    status,
    inputs,
    ...(label ? { inputsLabel: label } : {}),
    ...(error ? { error } : {}),
  };
  walk.paths.push(path);
  if (alike) alike.push(path);
  else walk.seen.set(hash, [path]);
}
