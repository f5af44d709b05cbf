// Workflow → XState machine: one state per node (named by its id), invoking an actor per node type; pure, no I/O (the
// node actors it names do their work only in a run).
import { setup, type MetaObject, type NonReducibleUnknown, type SetupReturn } from 'xstate';
import type { Workflow, WorkflowNode } from '../osop/workflow.ts';
import { createActions, type MachineEmitted, type RouteActionParams } from './actions.ts';
import {
  CANCEL_EVENT,
  COST_LIMIT_EVENT,
  DURABLE_EVENT,
  KEPT_EVENTS_EVENT,
  LIMIT_EVENT,
  TIMEOUT_EVENT,
  type MachineEvent,
  type NodeActors,
} from './actor-events.ts';
import { actorInput, initialContext, type RunContext, type RunInput } from './context.ts';
import { createGuards, type JoinParams, type NodeParams, type RouteParams } from './guards.ts';
import { CompileError, forkKey, planWorkflow, type ForkPlan, type ScopePlan } from './plan.ts';
import { CONDITION_FAILED, FAIL, failureOutcomes, LOOP_NEXT, successOutcomes } from './route.ts';
import { perWorkflow, workflowIndex } from './workflow-index.ts';
import { createNodeActors } from './node-actor.ts';
import { forEachBodies, type ForEachBody } from './for-each-body.ts';

export { CompileError } from './plan.ts';

/** Top-level final states, by run status. */
export const FINAL_STATES = ['COMPLETED', 'FAILED', 'TIMEOUT', 'COST_LIMIT', 'CANCELLED'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

const finalId = (state: FinalState) => `#run:${state}`;
const RESERVED = new Set<string>([...FINAL_STATES, 'JOINED', 'ENDED', 'BRANCH_FAILED']);

/** The params each named guard or action takes, as setup() infers them. */
type ParamsOf<T> = { [K in keyof T]: T[K] extends (args: never, params: infer P) => unknown ? P : never };

/** Spelled out so the published declarations keep every type (TypeScript elides the inferred one). */
type MachineSetup = SetupReturn<
  RunContext,
  MachineEvent,
  NodeActors,
  Record<never, never>,
  ParamsOf<ReturnType<typeof createActions>>,
  ParamsOf<ReturnType<typeof createGuards>>,
  never,
  string,
  RunInput,
  NonReducibleUnknown,
  MachineEmitted,
  MetaObject
>;

/** XState's setup for one workflow: its context, input and events, a node actor per node type, its guards and actions. */
function machineSetup(workflow: Workflow): MachineSetup {
  return setup({
    types: {} as { context: RunContext; input: RunInput; events: MachineEvent; emitted: MachineEmitted },
    // The real node actors: each finds its run's services in the actor system (startRun puts them there).
    actors: createNodeActors(workflow),
    guards: createGuards(workflow),
    actions: createActions(workflow),
  });
}

/** The config of a workflow's machine: setup() types its guards, actions, actors, context and events. */
export type WorkflowMachineConfig = Parameters<MachineSetup['createMachine']>[0];
/** One state of the machine, typed by the setup: guard and action references are checked against their params. */
type StateConfig = NonNullable<WorkflowMachineConfig['states']>[string];
type StatesConfig = Record<string, StateConfig>;
/** A single transition object out of XState's `SingleOrArray<target | config>` unions. */
type TransitionIn<T> = Exclude<T, string | undefined | readonly unknown[]>;
type Invoke = TransitionIn<StateConfig['invoke']>;
type DoneTransition = TransitionIn<Invoke['onDone']>;
type ErrorTransition = TransitionIn<Invoke['onError']>;

/** The `wait_n` fork (`wait_any` is planned as one) a failure with nowhere to go ends the branch of, not the run. */
const tolerantFork = (scope: ScopePlan): ForkPlan | undefined =>
  scope.branchOf?.joinMode === 'wait_n' && scope.branchOf.join !== undefined ? scope.branchOf : undefined;

/** A leaf ends its branch when it is in one (with or without a join), and the run only at the top. */
const endOf = (scope: ScopePlan) => (scope.parent !== undefined ? `#${scope.prefix}ENDED` : finalId('COMPLETED'));

/** Each scope's forks by key, built once per plan: a scope may hold a thousand forks (one per diamond). */
const forksByKey = new WeakMap<ScopePlan, Map<string, ForkPlan>>();

function findFork(scope: ScopePlan | undefined, key: string): ForkPlan | undefined {
  if (!scope) return undefined;
  let byKey = forksByKey.get(scope);
  if (!byKey) {
    byKey = new Map();
    for (const fork of scope.forks) if (!byKey.has(fork.key)) byKey.set(fork.key, fork);
    forksByKey.set(scope, byKey);
  }
  return byKey.get(key) ?? findFork(scope.parent, key);
}

function resolveTarget(scope: ScopePlan, targets: string[], anywhere: Map<string, string>): string {
  if (targets.length === 0) return endOf(scope);
  if (targets.length > 1) {
    const fork = findFork(scope, forkKey(targets));
    if (!fork) throw new CompileError(`no parallel state planned for ${targets.join(', ')}`);
    return `#${fork.id}`;
  }
  const [target] = targets;
  for (let current: ScopePlan | undefined = scope; current; current = current.parent) {
    if (current.owned.has(target)) return `#${current.prefix}${target}`;
    if (current.exit === target) return `#${current.prefix}JOINED`;
  }
  const id = anywhere.get(target);
  if (!id) throw new CompileError(`node ${target} is not reachable from the start`);
  return `#${id}`;
}

/** A copy of a body node in region `region` of a parallel `for_each`; an item that ends goes to `claim`. */
interface ItemRegionPlan {
  region: string;
  claim: string;
}

const withOn = ({ node, region }: NodeParams, on: RouteActionParams['on']): RouteActionParams =>
  region === undefined ? { node, on } : { node, region, on };
const withKey = ({ node, region }: NodeParams, key: string): RouteParams =>
  region === undefined ? { node, key } : { node, region, key };

/** What an outcome's target depends on: the node's scope, the loops it starts, the item region it runs in. */
interface TargetPlan {
  scope: ScopePlan;
  anywhere: Map<string, string>;
  loops: Map<string, ForEachBody>;
  item: ItemRegionPlan | undefined;
}

function outcomeTarget({ scope, anywhere, loops, item }: TargetPlan, targets: string[], key: string): string {
  if (item && key === LOOP_NEXT) return `#${item.claim}`;
  const loop = loops.get(key);
  return loop ? `#${loopStateId(loop)}` : resolveTarget(scope, targets, anywhere);
}

function nodeState(
  workflow: Workflow,
  node: WorkflowNode,
  scope: ScopePlan,
  anywhere: Map<string, string>,
  item?: ItemRegionPlan,
): StateConfig {
  // Params written out, not spread: V8 makes `{ ...params, on }` ~50× slower than a literal, per node and outcome.
  const params: NodeParams = item ? { node: node.id, region: item.region } : { node: node.id };
  const loops = parallelLoopsFrom(workflow, node.id);
  // No closures per node here (a big workflow compiles thousands): the outcome's target comes from outcomeTarget.
  const where: TargetPlan = { scope, anywhere, loops, item };
  // "/" cannot be in a node id, so the node an actor runs is what comes before it (the path walker reads it so).
  const actorId = item ? `${node.id}/${item.region}` : undefined;
  const id = `${scope.prefix}${node.id}`;
  // Only a transition back to the node itself must say `reenter` (to run it again): any other target is entered anyway.
  const self = `#${id}`;
  // The actions every transition of one event shares (XState keeps a transition's actions array as given).
  const complete = { type: 'completeNode', params } as const;
  const fail = { type: 'failNode', params } as const;
  const routeSuccess = [complete, { type: 'route', params: withOn(params, 'success') }] as const;
  const routeFailure = [fail, { type: 'route', params: withOn(params, 'failure') }] as const;
  return {
    id,
    description: node.name,
    entry: [{ type: 'enterNode', params }],
    invoke: {
      id: actorId ?? node.id,
      src: node.type,
      input: ({ context }) => actorInput(context, node.id, item?.region, actorId),
      onDone: [
        {
          guard: { type: 'successStopped', params },
          target: finalId('FAILED'),
          actions: [complete, { type: 'stopAtLimit', params: routeSuccess[1].params }],
        },
        ...successOutcomes(workflow, node.id).map((outcome): DoneTransition => {
          const guard = { type: 'successRoute', params: withKey(params, outcome.key) } as const;
          if (outcome.key === CONDITION_FAILED)
            return { guard, target: finalId('FAILED'), actions: [complete, { type: 'conditionFailed', params }] };
          const to = outcomeTarget(where, outcome.targets, outcome.key);
          return to === self
            ? { guard, target: to, reenter: true, actions: routeSuccess }
            : { guard, target: to, actions: routeSuccess };
        }),
      ],
      onError: [
        {
          guard: { type: 'failureStopped', params },
          target: finalId('FAILED'),
          actions: [fail, { type: 'stopAtLimit', params: routeFailure[1].params }],
        },
        ...failureOutcomes(workflow, node.id).map((outcome): ErrorTransition => {
          const guard = { type: 'failureRoute', params: withKey(params, outcome.key) } as const;
          if (outcome.key !== FAIL) {
            const to = outcomeTarget(where, outcome.targets, outcome.key);
            return to === self
              ? { guard, target: to, reenter: true, actions: routeFailure }
              : { guard, target: to, actions: routeFailure };
          }
          // A spawned branch the run does not wait for: its failure ends that branch only (reported as FAILED).
          if (scope.detached)
            return {
              guard,
              target: `#${scope.prefix}BRANCH_FAILED`,
              actions: [fail, { type: 'endSpawnedBranch', params }],
            };
          const fork = tolerantFork(scope);
          return {
            guard,
            target: fork ? `#${scope.prefix}BRANCH_FAILED` : finalId('FAILED'),
            actions: [
              fail,
              fork ? { type: 'failBranch', params: { ...params, fork: fork.id } } : { type: 'failRun', params },
            ],
          };
        }),
      ],
    },
  };
}

/** Every node of a branch, those of forks nested in it included. */
const allNodes = (scope: ScopePlan): string[] => [
  ...scope.nodes,
  ...scope.forks.flatMap((fork) => fork.regions.flatMap((region) => allNodes(region))),
];

/** Longest id XState may derive for a branch region; see `idKey` in plan.ts for why ids must stay short. */
const MAX_DERIVED_ID = 1000;

/** `within`: the id XState derives for the state holding these states (machine id, then state keys, joined by "."). */
function forkState(
  workflow: Workflow,
  fork: ForkPlan,
  scope: ScopePlan,
  anywhere: Map<string, string>,
  within: string,
): StateConfig {
  const params: JoinParams = {
    fork: fork.id,
    join: fork.join,
    // Spawned branches the run does not wait for do not count: the fork is done when the others are.
    total: fork.regions.filter((region) => !region.detached).length,
    mode: fork.joinMode,
    count: fork.joinCount,
  };
  // Shared by every region (XState copies a state's entry list, never changes it); no spreads (see nodeState).
  const arrive = [{ type: 'arrive', params }] as const;
  const endBranch = [{ type: 'endBranch', params }] as const;
  const regions = fork.regions.map((region, index) => {
    const entry = fork.targets[index];
    // Its length first: with a fork of thousands of branches the key alone is tens of thousands of characters.
    const long = within.length + fork.key.length + entry.length + 2 > MAX_DERIVED_ID;
    const id = long ? region.prefix.slice(0, -1) : undefined;
    const states = scopeStates(workflow, region, anywhere, id ?? `${within}.${fork.key}.${entry}`);
    states.JOINED = { id: `${region.prefix}JOINED`, type: 'final', entry: arrive };
    states.ENDED = region.detached
      ? { id: `${region.prefix}ENDED`, type: 'final' }
      : { id: `${region.prefix}ENDED`, type: 'final', entry: endBranch };
    if (tolerantFork(region) || region.detached)
      states.BRANCH_FAILED = { id: `${region.prefix}BRANCH_FAILED`, type: 'final' };
    const initial = entry === fork.join ? 'JOINED' : entry;
    return [entry, id ? { id, initial, states } : { initial, states }] as const;
  });
  const detachedNodes = [
    ...new Set(fork.regions.filter((region) => region.detached).flatMap((region) => allNodes(region))),
  ];
  const leave =
    detachedNodes.length > 0 && fork.source !== undefined
      ? [{ type: 'leaveSpawned' as const, params: { source: fork.source, nodes: detachedNodes } }]
      : [];
  const joined: StateConfig['always'] = fork.join
    ? [
        { guard: { type: 'joinLost', params }, target: finalId('FAILED'), actions: [{ type: 'joinLost', params }] },
        {
          guard: { type: 'joinCycle', params },
          target: finalId('FAILED'),
          actions: [{ type: 'joinCycleLimit', params }],
        },
        {
          guard: { type: 'joinReady', params },
          target: resolveTarget(scope, [fork.join], anywhere),
          actions: leave,
        },
      ]
    : [];
  return {
    id: fork.id,
    type: 'parallel',
    entry: [{ type: 'enterFork', params }],
    states: Object.fromEntries(regions),
    always: [...[joined].flat(), { guard: { type: 'joinDead', params }, target: endOf(scope), actions: leave }],
  };
}

function scopeStates(
  workflow: Workflow,
  scope: ScopePlan,
  anywhere: Map<string, string>,
  within: string,
): StatesConfig {
  const states: StatesConfig = {};
  const { nodes } = workflowIndex(workflow);
  for (const id of scope.nodes) states[id] = nodeState(workflow, nodes.get(id)!, scope, anywhere);
  for (const fork of scope.forks) states[fork.key] = forkState(workflow, fork, scope, anywhere, within);
  for (const id of scope.nodes)
    for (const body of parallelLoopsFrom(workflow, id).values())
      states[loopStateId(body)] = parallelLoopState(workflow, body, scope, anywhere);
  return states;
}

/** The parallel `for_each` loops out of `node`, by the key of the outcome that starts each. */
function parallelLoopsFrom(workflow: Workflow, node: string): Map<string, ForEachBody> {
  const loops = new Map<string, ForEachBody>();
  for (const body of forEachBodies(workflow).byEdge.values())
    if (body.edge.from === node && body.edge.forEachConcurrency) loops.set(`e${body.edge.index}`, body);
  return loops;
}

/** The state of a parallel `for_each` (top level, or in the scope of its source). */
const loopStateId = (body: ForEachBody) => `for_each[e${body.edge.index}]`;

/**
 * A parallel `for_each`: one region per item running at once, each with its own copy of the body's states. A region
 * claims the next item (CLAIM), runs the body, and claims again when the item ended, until no item is left (DONE).
 * Once every region is done, the run goes on from the loop's source as if its loop edge were not there.
 */
function parallelLoopState(
  workflow: Workflow,
  body: ForEachBody,
  scope: ScopePlan,
  anywhere: Map<string, string>,
): StateConfig {
  const { edge } = body;
  const id = loopStateId(body);
  if (scope.parent !== undefined)
    throw new CompileError(
      `the for_each edge ${edge.from} → ${edge.to} (${edge.position.file}:${edge.position.line}) runs its items at once, but its source is inside a branch of a parallel fork: remove parallel/max_concurrency, or move the loop out of the fork`,
    );
  const loop = { loop: edge.to, from: edge.from, edge: edge.index };
  const { nodes } = workflowIndex(workflow);
  const regions = Array.from({ length: edge.forEachConcurrency ?? 1 }, (_, index) => {
    const region = `e${edge.index}r${index}`;
    const plan: ScopePlan = {
      prefix: `${id}/${region}/`,
      nodes: [...body.nodes],
      owned: new Set(body.nodes),
      forks: [],
      parent: scope,
    };
    const item = { region, claim: `${plan.prefix}CLAIM` };
    const states: StatesConfig = {
      CLAIM: {
        id: item.claim,
        always: [
          {
            guard: { type: 'itemLeft', params: loop },
            target: edge.to,
            actions: [{ type: 'claimItem', params: { ...loop, region } }],
          },
          { target: 'DONE' },
        ],
      },
      DONE: { type: 'final' },
      // A body node with nothing to take ends its item (LOOP_NEXT), so END outcomes never come here.
      ENDED: { id: `${plan.prefix}ENDED`, type: 'final' },
    };
    for (const node of body.nodes) {
      const forked = [...successOutcomes(workflow, node), ...failureOutcomes(workflow, node)].some(
        (outcome) => outcome.targets.length > 1,
      );
      if (forked)
        throw new CompileError(
          `node ${node} forks inside the body of the for_each edge ${edge.from} → ${edge.to} (${edge.position.file}:${edge.position.line}), whose items run at once: forks in such a body are not supported; remove parallel/max_concurrency, or the fork`,
        );
      states[node] = nodeState(workflow, nodes.get(node)!, plan, anywhere, item);
    }
    return [region, { initial: 'CLAIM', states }];
  });
  const after = successOutcomes(workflow, edge.from).filter(
    (outcome) =>
      outcome.key !== `e${edge.index}` && outcome.key !== LOOP_NEXT && !outcome.key.startsWith('after-loop-'),
  );
  return {
    id,
    type: 'parallel',
    states: Object.fromEntries(regions),
    onDone: after.map((outcome) => ({
      guard: { type: 'afterLoopRoute', params: { ...loop, key: outcome.key } },
      target: outcome.key === CONDITION_FAILED ? finalId('FAILED') : resolveTarget(scope, outcome.targets, anywhere),
      actions: [{ type: 'afterLoop', params: loop }],
    })),
  };
}

function instances(scope: ScopePlan, found = new Map<string, string>()): Map<string, string> {
  for (const node of scope.nodes) if (!found.has(node)) found.set(node, `${scope.prefix}${node}`);
  for (const fork of scope.forks) for (const region of fork.regions) instances(region, found);
  return found;
}

/** A node in two `for_each` bodies would not know whose item it runs: nested or overlapping bodies are refused. */
function checkForEachBodies(workflow: Workflow): void {
  const [overlap] = forEachBodies(workflow).overlaps;
  if (!overlap) return;
  const [first, second] = overlap.edges.map(
    (edge) => `${edge.from} → ${edge.to} (${edge.position.file}:${edge.position.line})`,
  );
  throw new CompileError(
    `node ${overlap.node} is in the body of two for_each loops, ${first} and ${second}: nested or overlapping for_each bodies are not supported; give each loop its own nodes, or add an edge from each loop's source to where the run goes on after it`,
  );
}

function checkIds(workflow: Workflow): void {
  for (const node of workflow.nodes) {
    if (RESERVED.has(node.id))
      throw new CompileError(
        `node id ${node.id} (${node.position.file}:${node.position.line}) is reserved for a run state: rename the node`,
      );
    if (/[.#/]/.test(node.id))
      throw new CompileError(
        `node id ${node.id} (${node.position.file}:${node.position.line}) may not contain ".", "#" or "/": rename the node`,
      );
  }
}

/**
 * Compiles a workflow into an XState machine whose states are the node ids, once per Workflow object: the runner, the
 * path walk, the dry-run plan and the statechart share it (a 5,000-node workflow takes ~0.3 s to compile, all of it
 * in one turn of the event loop). Its node actors run the workflow's nodes with the services startRun() gives a run.
 */
export const compileWorkflow: (workflow: Workflow) => WorkflowMachine = perWorkflow((workflow) =>
  machineOfConfig(workflow, workflowMachineConfig(workflow)),
);

/** The machine config of a workflow (what `compileWorkflow` hands XState). */
export function workflowMachineConfig(workflow: Workflow): WorkflowMachineConfig {
  checkIds(workflow);
  checkForEachBodies(workflow);
  const plan = planWorkflow(workflow);
  const anywhere = instances(plan);
  const machineId = workflow.id.replace(/[.#]/g, '_');
  const states = scopeStates(workflow, plan, anywhere, machineId);
  // COST_LIMIT only where a budget can end the run: other workflows keep the machine (and the statechart) they had.
  for (const state of FINAL_STATES)
    if (state !== 'COST_LIMIT' || workflow.cost) states[state] = { id: `run:${state}`, type: 'final' };
  const config: WorkflowMachineConfig = {
    id: machineId,
    context: ({ input }) => initialContext(workflow, input),
    initial: workflow.start.length > 1 ? forkKey(workflow.start) : workflow.start[0],
    states,
    // The runner sends TIMEOUT_EVENT at startedAt + timeout_sec: an XState `after` would restart on resume, or be lost.
    on: {
      [CANCEL_EVENT]: { target: finalId('CANCELLED'), actions: 'cancelRun' },
      [DURABLE_EVENT]: { actions: 'recordDurable' },
      [KEPT_EVENTS_EVENT]: { actions: 'recordKeptEvents' },
      [LIMIT_EVENT]: { target: finalId('FAILED'), actions: 'limitRun' },
      ...(workflow.timeoutMs ? { [TIMEOUT_EVENT]: { target: finalId('TIMEOUT'), actions: 'timeoutRun' } } : {}),
      ...(workflow.cost ? { [COST_LIMIT_EVENT]: { target: finalId('COST_LIMIT'), actions: 'costLimitRun' } } : {}),
    },
  };
  return config;
}

/** The machine a config builds with `workflow`'s guards, actions and (stand-in) node actors. */
export function machineOfConfig(workflow: Workflow, config: WorkflowMachineConfig) {
  return machineSetup(workflow).createMachine(config);
}

export type WorkflowMachine = ReturnType<typeof machineOfConfig>;
