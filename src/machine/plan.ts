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
}

export interface ForkPlan {
  /** State key in its scope, e.g. `parallel[a,b]`. */
  key: string;
  /** Absolute state id. */
  id: string;
  targets: string[];
  join?: string;
  joinMode: 'wait_all' | 'wait_any' | 'wait_n';
  joinCount: number;
  regions: ScopePlan[];
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
  if (!next) known.set(node, (next = [...new Set(successOutcomes(workflow, node).flatMap((outcome) => outcome.targets))].filter((target) => target !== node)));
  return next;
}

/** Breadth-first success distances from `start`, never passing through `avoid`. */
function distances(workflow: Workflow, start: string, avoid: string | undefined): Map<string, number> {
  const seen = new Map<string, number>([[start, 0]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of successNext(workflow, node)) {
      if (next === avoid || seen.has(next)) continue;
      seen.set(next, seen.get(node)! + 1);
      queue.push(next);
    }
  }
  return seen;
}

/** The nearest node two or more branches reach on success edges; an explicit `join_mode` wins. */
export function findJoin(workflow: Workflow, source: string | undefined, targets: string[]): string | undefined {
  const reach = targets.map((target) => distances(workflow, target, source));
  const { joinEdges, order } = workflowIndex(workflow);
  const hits = new Map<string, { count: number; sum: number }>();
  for (const map of reach) {
    for (const [node, distance] of map) {
      const hit = hits.get(node);
      if (hit) (hit.count += 1), (hit.sum += distance);
      else hits.set(node, { count: 1, sum: distance });
    }
  }
  // Lowest score wins; on a tie, the node declared first.
  let best: { node: string; score: number; position: number } | undefined;
  for (const [node, { count, sum }] of hits) {
    if (count < 2) continue;
    const score = sum - (joinEdges.has(node) ? 1_000_000 : 0);
    const position = order.get(node) ?? Infinity;
    if (!best || score < best.score || (score === best.score && position < best.position)) best = { node, score, position };
  }
  return best?.node;
}

function joinSettings(workflow: Workflow, join: string | undefined): Pick<ForkPlan, 'joinMode' | 'joinCount'> {
  const edge = join === undefined ? undefined : workflowIndex(workflow).joinEdges.get(join);
  const joinMode = edge?.joinMode ?? 'wait_all';
  return { joinMode, joinCount: joinMode === 'wait_n' ? Math.max(1, edge?.joinCount ?? 1) : 1 };
}

export const forkKey = (targets: string[]): string => `parallel[${targets.join(',')}]`;

/** Longest fork key used as is in state ids. */
const MAX_ID_KEY = 1000;

/**
 * The key as it appears in state ids. Every state of every branch carries it, and V8 hashes strings longer
 * than 16383 characters by length alone, so a fork of thousands of branches would make XState's id map quadratic.
 */
const idKey = (key: string): string =>
  key.length <= MAX_ID_KEY ? key : `${key.slice(0, MAX_ID_KEY / 2)}…${createHash('sha256').update(key).digest('hex').slice(0, 16)}]`;

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
  for (let index = 0; index < pending.length; index++) {
    const fork = pending[index];
    const key = forkKey(fork.targets);
    if (scope.forks.some((existing) => existing.key === key)) continue;
    if (depth >= MAX_NESTING) throw new CompileError(`parallel forks nested more than ${MAX_NESTING} deep at ${fork.source ?? 'the start'}`);
    const join = findJoin(workflow, fork.source, fork.targets);
    const id = `${scope.prefix}${idKey(key)}`;
    scope.forks.push({ key, id, targets: fork.targets, join, ...joinSettings(workflow, join), regions: [] });
    if (join && join !== scope.exit && !ownedByChain(scope.parent, join)) pending.push(...grow(workflow, scope, [join]));
  }
  // Regions are planned once this scope knows all its nodes, so a branch that leaves the fork targets them.
  for (const fork of scope.forks) {
    for (const target of fork.targets) {
      const region: ScopePlan = { prefix: `${fork.id}/${target}/`, nodes: [], owned: new Set(), exit: fork.join, forks: [], parent: scope };
      fork.regions.push(region);
      if (target !== fork.join) buildScope(workflow, region, grow(workflow, region, [target]), depth + 1);
    }
  }
}

/** Plans the whole machine: the top scope owns every node reachable from the start outside fork branches. */
export function planWorkflow(workflow: Workflow): ScopePlan {
  const top: ScopePlan = { prefix: '', nodes: [], owned: new Set(), forks: [] };
  const pending = workflow.start.length > 1 ? [{ source: undefined, targets: workflow.start }] : grow(workflow, top, workflow.start);
  buildScope(workflow, top, pending, 0);
  return top;
}
