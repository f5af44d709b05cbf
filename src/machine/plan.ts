// Which node states live where: the top-level scope, and one parallel region per branch of every fork, down to its join.
import { createHash } from 'node:crypto';
import type { Workflow } from '../osop/workflow.ts';
import { failureOutcomes, successOutcomes } from './route.ts';
import { perWorkflow, workflowIndex } from './workflow-index.ts';

export interface ScopePlan {
  /** Prefix of every state id in this scope ('' at the top). */
  prefix: string;
  /** In the order they were reached. */
  nodes: string[];
  /** The same nodes, for membership tests. */
  owned: Set<string>;
  /** The join this region ends at (regions only). */
  exit?: string;
  forks: ForkPlan[];
  parent?: ScopePlan;
  /** The fork this scope is a branch of (regions only). */
  branchOf?: ForkPlan;
  /** A spawned branch the run does not wait for (regions only; see `detachedTargets`). */
  detached?: boolean;
}

export interface ForkPlan {
  /** State key in its scope, e.g. `parallel[a,b]`. */
  key: string;
  /** Absolute state id. */
  id: string;
  targets: string[];
  join?: string;
  /** `wait_any` is planned as `wait_n` with a count of 1: the same join, the same tolerance of failed branches. */
  joinMode: 'wait_all' | 'wait_n';
  joinCount: number;
  regions: ScopePlan[];
  /** The node whose edges fork here (none for several start nodes). */
  source?: string;
}

export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

const MAX_NESTING = 8;

const outcomeTargets = (workflow: Workflow, node: string) => [
  ...successOutcomes(workflow, node).map((outcome) => outcome.targets),
  ...failureOutcomes(workflow, node).map((outcome) => outcome.targets),
];

const successNextByNode = perWorkflow(() => new Map<string, string[]>());

function successNext(workflow: Workflow, node: string): string[] {
  const known = successNextByNode(workflow);
  let next = known.get(node);
  if (!next)
    known.set(
      node,
      (next = [...new Set(successOutcomes(workflow, node).flatMap((outcome) => outcome.targets))].filter(
        (target) => target !== node,
      )),
    );
  return next;
}

interface Hit {
  /** Branches that reach the node. */
  count: number;
  /** Sum of their distances to it. */
  sum: number;
}

interface Candidate {
  node: string;
  score: number;
  position: number;
}

/** Lower score wins; on a tie, the node declared first. */
const beats = (score: number, position: number, best: Candidate | undefined) =>
  !best || score < best.score || (score === best.score && position < best.position);

/**
 * The join once every hit up to distance `level` is known, if no later hit can change it: some node every branch
 * reaches, whose score no other node can beat (a further hit adds at least `level + 1`). Assumes no explicit join.
 */
function settled(
  hits: Map<string, Hit>,
  branches: number,
  level: number,
  order: Map<string, number>,
): string | undefined {
  let best: Candidate | undefined;
  for (const [node, { count, sum }] of hits) {
    const position = order.get(node) ?? Infinity;
    if (count === branches && beats(sum, position, best)) best = { node, score: sum, position };
  }
  if (!best || 2 * (level + 1) <= best.score) return undefined;
  for (const [node, { count, sum }] of hits) {
    if (node === best.node || count === branches) continue;
    const lowest = sum + Math.max(0, 2 - count) * (level + 1);
    if (beats(lowest, order.get(node) ?? Infinity, best)) return undefined;
  }
  return best.node;
}

/**
 * The nearest node two or more branches reach on success edges, never passing through the fork's source: the lowest
 * sum of the distances of the branches that reach it; an explicit `join_mode` wins. Breadth-first from every branch
 * at once, level by level, so that without explicit joins it can stop as soon as the answer is settled.
 */
export function findJoin(workflow: Workflow, source: string | undefined, targets: string[]): string | undefined {
  const { joinEdges, order } = workflowIndex(workflow);
  const hits = new Map<string, Hit>();
  let complete = false;
  const hit = (node: string, distance: number) => {
    const known = hits.get(node);
    if (known) {
      known.count += 1;
      known.sum += distance;
    } else hits.set(node, { count: 1, sum: distance });
    if ((known?.count ?? 1) === targets.length) complete = true;
  };
  const seen = targets.map((target) => new Set([target]));
  let frontiers = targets.map((target) => [target]);
  targets.forEach((target) => hit(target, 0));
  for (let level = 0; frontiers.some((frontier) => frontier.length > 0); level++) {
    // Checked at levels 1, 2, 4, 8...: a check costs a pass over the hits.
    if (complete && joinEdges.size === 0 && (level & (level - 1)) === 0) {
      const join = settled(hits, targets.length, level, order);
      if (join !== undefined) return join;
    }
    frontiers = frontiers.map((frontier, branch) => {
      const next: string[] = [];
      for (const node of frontier) {
        for (const to of successNext(workflow, node)) {
          if (to === source || seen[branch].has(to)) continue;
          seen[branch].add(to);
          next.push(to);
          hit(to, level + 1);
        }
      }
      return next;
    });
  }
  let best: Candidate | undefined;
  for (const [node, { count, sum }] of hits) {
    if (count < 2) continue;
    const score = sum - (joinEdges.has(node) ? 1_000_000 : 0);
    const position = order.get(node) ?? Infinity;
    if (beats(score, position, best)) best = { node, score, position };
  }
  return best?.node;
}

function joinSettings(workflow: Workflow, join: string | undefined): Pick<ForkPlan, 'joinMode' | 'joinCount'> {
  const edge = join === undefined ? undefined : workflowIndex(workflow).joinEdges.get(join);
  const mode = edge?.joinMode ?? 'wait_all';
  if (mode === 'wait_all') return { joinMode: 'wait_all', joinCount: 1 };
  return { joinMode: 'wait_n', joinCount: mode === 'wait_n' ? Math.max(1, edge?.joinCount ?? 1) : 1 };
}

export const forkKey = (targets: string[]): string => `parallel[${targets.join(',')}]`;

/** Longest fork key used as is in state ids. */
const MAX_ID_KEY = 1000;
/**
 * How much of a longer key its ids keep (then a hash): every state of every branch has the fork's id in its own, so
 * 5,000 branches with a 500-character head held 10 MB of ids and made XState resolve `#id` targets of that length.
 */
const ID_KEY_HEAD = 48;

/**
 * The key as it appears in state ids. Every state of every branch carries it, and V8 hashes strings longer
 * than 16383 characters by length alone, so a fork of thousands of branches would make XState's id map quadratic.
 */
const idKey = (key: string): string =>
  key.length <= MAX_ID_KEY
    ? key
    : `${key.slice(0, ID_KEY_HEAD)}…${createHash('sha256').update(key).digest('hex').slice(0, 16)}]`;

const ownedByChain = (scope: ScopePlan | undefined, node: string): boolean =>
  scope !== undefined && (scope.owned.has(node) || ownedByChain(scope.parent, node));

interface PendingFork {
  source: string | undefined;
  targets: string[];
}

/** Adds every node reachable from `entries` to the scope without entering fork branches; returns the forks met. */
function grow(workflow: Workflow, scope: ScopePlan, entries: string[]): PendingFork[] {
  const pending: PendingFork[] = [];
  const queue = [...entries];
  const exempt = (node: string) => scope.exit !== undefined && entries.includes(node);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    if (scope.owned.has(node) || node === scope.exit || (!exempt(node) && ownedByChain(scope.parent, node))) continue;
    scope.nodes.push(node);
    scope.owned.add(node);
    for (const targets of outcomeTargets(workflow, node)) {
      if (targets.length > 1) pending.push({ source: node, targets });
      else queue.push(...targets);
    }
  }
  return pending;
}

function buildScope(workflow: Workflow, scope: ScopePlan, pending: PendingFork[], depth: number): void {
  // The scope's fork keys as a set: a scope of a thousand forks would otherwise compare each key with every other.
  const planned = new Set(scope.forks.map((existing) => existing.key));
  for (let index = 0; index < pending.length; index++) {
    const fork = pending[index];
    const key = forkKey(fork.targets);
    if (planned.has(key)) continue;
    planned.add(key);
    if (depth >= MAX_NESTING)
      throw new CompileError(`parallel forks nested more than ${MAX_NESTING} deep at ${fork.source ?? 'the start'}`);
    const join = findJoin(workflow, fork.source, fork.targets);
    const id = `${scope.prefix}${idKey(key)}`;
    scope.forks.push({
      key,
      id,
      targets: fork.targets,
      join,
      ...joinSettings(workflow, join),
      regions: [],
      ...(fork.source !== undefined ? { source: fork.source } : {}),
    });
    if (join && join !== scope.exit && !ownedByChain(scope.parent, join))
      pending.push(...grow(workflow, scope, [join]));
  }
  // Regions are planned once this scope knows all its nodes, so a branch that leaves the fork targets them.
  for (const fork of scope.forks) {
    for (const target of fork.targets) {
      const region: ScopePlan = {
        prefix: `${fork.id}/${target}/`,
        nodes: [],
        owned: new Set(),
        exit: fork.join,
        forks: [],
        parent: scope,
        branchOf: fork,
      };
      fork.regions.push(region);
      if (target !== fork.join) buildScope(workflow, region, grow(workflow, region, [target]), depth + 1);
    }
    const detached = detachedTargets(workflow, fork);
    fork.regions.forEach((region, index) => {
      if (detached.has(fork.targets[index])) region.detached = true;
    });
  }
}

/**
 * The targets only a `spawn` edge of `source` leads to (no other success edge does). One pass over the source's
 * edges: a fork of thousands of branches would otherwise filter them all once per branch.
 */
function spawnedOnly(workflow: Workflow, source: string): Set<string> {
  const spawned = new Set<string>();
  const otherwise = new Set<string>();
  for (const edge of workflowIndex(workflow).edgesFrom.get(source) ?? []) {
    if (edge.mode === 'spawn') spawned.add(edge.to);
    else if (!isFailureEdge(edge.mode)) otherwise.add(edge.to);
  }
  for (const target of otherwise) spawned.delete(target);
  return spawned;
}

const isFailureEdge = (mode: string) => mode === 'fallback' || mode === 'error' || mode === 'timeout';

/** Whether some node of the branch (or of a fork nested in it) can lead to `exit`. */
function reaches(workflow: Workflow, scope: ScopePlan, exit: string): boolean {
  return (
    scope.nodes.some((node) => outcomeTargets(workflow, node).some((targets) => targets.includes(exit))) ||
    scope.forks.some((fork) => fork.regions.some((region) => reaches(workflow, region, exit)))
  );
}

/**
 * The branches of a fork the run does not wait for (docs/semantics.md "Events and spawn"): entered only by a `spawn`
 * edge, and unable to reach the fork's join. None when every branch is spawned: then nothing else carries the run.
 */
function detachedTargets(workflow: Workflow, fork: ForkPlan): Set<string> {
  const { source, join } = fork;
  if (source === undefined) return new Set();
  const spawned = spawnedOnly(workflow, source);
  const detached = fork.targets.filter(
    (target, index) =>
      target !== join && spawned.has(target) && (join === undefined || !reaches(workflow, fork.regions[index], join)),
  );
  return new Set(detached.length < fork.targets.length ? detached : []);
}

/** Plans the whole machine: the top scope owns every node reachable from the start outside fork branches. */
export function planWorkflow(workflow: Workflow): ScopePlan {
  const top: ScopePlan = { prefix: '', nodes: [], owned: new Set(), forks: [] };
  const pending =
    workflow.start.length > 1 ? [{ source: undefined, targets: workflow.start }] : grow(workflow, top, workflow.start);
  buildScope(workflow, top, pending, 0);
  return top;
}
