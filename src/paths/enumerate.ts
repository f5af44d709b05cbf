// Every path from the start to a final state: xstate/graph builds the state graph, a bounded depth-first walk lists the paths.
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { getAdjacencyMap, type AdjacencyMap } from 'xstate/graph';
import { compileWorkflow } from '../machine/compile.ts';
import type { RunContext } from '../machine/context.ts';
import type { Workflow } from '../osop/workflow.ts';
import { deriveOutcomes } from './outcomes.ts';
import type { FinalStatus, PathEnumeration, PathStep, TakenEdge, WorkflowPath } from './path.ts';
import { stateKey } from './state-key.ts';
import { emittedEdges, finalStatusOf, runningNodes } from './snapshot-reading.ts';
import { walkEvents, type WalkEvent, type WalkEvents } from './walk-events.ts';

export interface EnumerateOptions {
  /** Stop after this many paths (default 1000). */
  max?: number;
  /** Stop building the state graph past this many distinct states (default 20000). */
  maxStates?: number;
}

export const DEFAULT_MAX_PATHS = 1000;
export const DEFAULT_MAX_STATES = 20_000;

type Adjacency = AdjacencyMap<AnyMachineSnapshot, WalkEvent>;

interface Walk {
  workflow: Workflow;
  machine: AnyStateMachine;
  adjacency: Adjacency;
  key: (snapshot: AnyMachineSnapshot) => string;
  events: WalkEvents;
  max: number;
  paths: WorkflowPath[];
  stopped: boolean;
  stuck: number;
  /** `edge.taken` per state and event: each is computed once, however many paths pass through it. */
  edgeCache: Map<AnyMachineSnapshot, Map<WalkEvent, TakenEdge[]>>;
}

export function enumeratePaths(workflow: Workflow, options: EnumerateOptions = {}): PathEnumeration {
  const max = options.max ?? DEFAULT_MAX_PATHS;
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const { byNode, inputs } = deriveOutcomes(workflow);
  const machine = compileWorkflow(workflow) as unknown as AnyStateMachine;
  const events = walkEvents(workflow.nodes.map((node) => node.id), byNode);
  const key = stateKey(workflow);
  const base = { workflowId: workflow.id, inputs, paths: [] as WorkflowPath[] };
  let adjacency: Adjacency;
  try {
    adjacency = getAdjacencyMap(machine, {
      input: { runId: 'paths', inputs },
      events: (snapshot: AnyMachineSnapshot) => events.forRunning(runningNodes(snapshot)),
      serializeState: key,
      limit: maxStates,
    } as never) as Adjacency;
  } catch (failure) {
    if (!(failure instanceof Error) || !/limit exceeded/i.test(failure.message)) throw failure;
    return { ...base, complete: false, statesExplored: maxStates, stoppedBecause: `the workflow has more than ${maxStates} distinct states to explore; no paths were listed (raise the state bound or split the workflow)` };
  }
  const walk: Walk = { workflow, machine, adjacency, key, events, max, paths: [], stopped: false, stuck: 0, edgeCache: new Map() };
  const [startKey] = Object.keys(adjacency);
  if (startKey) visit(walk, startKey, [], new Set([startKey]));
  const statesExplored = Object.keys(adjacency).length;
  const notes: string[] = [];
  if (walk.stopped) notes.push(`stopped after ${max} paths (--max ${max}); the workflow has more`);
  if (walk.stuck > 0) notes.push(`${walk.stuck} walk(s) reached a state with nothing left to run and no final status`);
  return { ...base, paths: walk.paths, complete: !walk.stopped, statesExplored, ...(notes.length ? { stoppedBecause: notes.join('; ') } : {}) };
}

function visit(walk: Walk, fromKey: string, steps: PathStep[], onStack: Set<string>): void {
  const entry = walk.adjacency[fromKey as keyof Adjacency];
  if (!entry) return;
  let moved = false;
  for (const { event, state: next } of Object.values(entry.transitions)) {
    if (walk.stopped) return;
    const nextKey = walk.key(next);
    if (nextKey === fromKey || onStack.has(nextKey)) continue;
    const step = stepOf(walk, entry.state, event, next, steps);
    if (!step) continue;
    moved = true;
    steps.push(step);
    if (step.final) record(walk, steps, step.final, (next.context as RunContext).error?.message);
    else {
      onStack.add(nextKey);
      visit(walk, nextKey, steps, onStack);
      onStack.delete(nextKey);
    }
    steps.pop();
  }
  if (!moved) walk.stuck += 1;
}

function stepOf(walk: Walk, before: AnyMachineSnapshot, event: WalkEvent, after: AnyMachineSnapshot, steps: PathStep[]): PathStep | undefined {
  const origin = walk.events.originOf(event);
  if (!origin) return undefined;
  const visitNumber = steps.filter((step) => step.node === origin.node).length + 1;
  const final = finalStatusOf(after);
  return {
    node: origin.node,
    visit: visitNumber,
    outcome: origin.outcome,
    edges: edgesOf(walk, before, event),
    ...(final ? { final } : {}),
  };
}

function edgesOf(walk: Walk, before: AnyMachineSnapshot, event: WalkEvent): TakenEdge[] {
  const byEvent = walk.edgeCache.get(before) ?? new Map<WalkEvent, TakenEdge[]>();
  walk.edgeCache.set(before, byEvent);
  const cached = byEvent.get(event);
  if (cached) return cached;
  const edges = emittedEdges(walk.workflow, walk.machine, before, event);
  byEvent.set(event, edges);
  return edges;
}

function record(walk: Walk, steps: PathStep[], status: FinalStatus, error: string | undefined): void {
  if (walk.paths.length >= walk.max) {
    walk.stopped = true;
    return;
  }
  walk.paths.push({ id: walk.paths.length + 1, steps: steps.map((step) => ({ ...step, edges: [...step.edges] })), status, ...(error ? { error } : {}) });
}
