// The compiled machine's state graph for a path walk: breadth-first like xstate/graph's getAdjacencyMap, but each
// transition is computed once, with the `edge.taken` events it emits kept beside the state it leads to.
import { createEmptyActor, type AnyActorScope, type ExecutableActionObject, type SnapshotFrom } from 'xstate';
import type { WorkflowMachine } from '../machine/compile.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { TakenEdge } from './path.ts';
import { edgesOfActions } from './snapshot-reading.ts';
import type { Steps } from '../util/sliced.ts';
import type { WalkEvent } from './walk-events.ts';

type RunSnapshot = SnapshotFrom<WorkflowMachine>;

export interface Move {
  event: WalkEvent;
  state: RunSnapshot;
  /** The edges this transition takes (its `edge.taken` events), in emission order. */
  edges: TakenEdge[];
}

export interface GraphState {
  state: RunSnapshot;
  /** One per distinct event (as JSON), in the order the events were offered. */
  moves: Move[];
}

export interface StateGraphOptions {
  input: Record<string, unknown>;
  events: (snapshot: RunSnapshot) => WalkEvent[];
  key: (snapshot: RunSnapshot) => string;
  /** More states taken off the queue than this: the graph is too big (undefined). */
  limit: number;
}

/** States by key, the start state first; undefined past `limit`. Yields after each state (see util/sliced.ts). */
export function* stateGraph(
  workflow: Workflow,
  machine: WorkflowMachine,
  options: StateGraphOptions,
): Steps<Map<string, GraphState> | undefined> {
  let actions: ExecutableActionObject[] = [];
  const self = createEmptyActor();
  // What xstate's own pure `transition()` does, with one scope for the whole walk instead of a new actor per call.
  const scope: AnyActorScope = {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: (action) => void actions.push(action),
  };
  const graph = new Map<string, GraphState>();
  const queue: RunSnapshot[] = [machine.getInitialSnapshot(scope, options.input as never)];
  let taken = 0;
  for (let head = 0; head < queue.length; head += 1) {
    if (taken++ > options.limit) return undefined;
    const state = queue[head];
    const key = options.key(state);
    if (graph.has(key)) continue;
    // Like getAdjacencyMap: events alike as JSON share one move (the last one's), at the first one's place.
    const moves = new Map<string, Move>();
    for (const event of options.events(state)) {
      actions = [];
      const next = machine.transition(state, event, scope);
      moves.set(JSON.stringify(event), { event, state: next, edges: edgesOfActions(workflow, actions) });
      queue.push(next);
    }
    graph.set(key, { state, moves: [...moves.values()] });
    queue[head] = undefined as never; // let the queue's finished part be collected
    yield;
  }
  return graph;
}
