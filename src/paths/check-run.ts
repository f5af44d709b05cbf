// Does a run follow a path? Compares the run's events with the path: each node's outcomes by visit, the edges taken, the final status.
import type { RunEvent } from '../events/run-event.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { TakenEdge, WorkflowPath } from './path.ts';
import { edgeIndex } from './snapshot-reading.ts';

export interface PathCheck {
  path: WorkflowPath;
  passed: boolean;
  /** What differed, in words; empty when the run followed the path. */
  problems: string[];
  /** Edges the run actually took (for coverage). */
  edges: TakenEdge[];
  status?: string;
  /** How the run was made to take this path (sandbox level): test cards, injected faults. */
  drivenBy?: string;
}

const edgeText = (edge: { from: string; to: string; mode: string }) => `${edge.from} ─${edge.mode}→ ${edge.to}`;

function runOutcomes(events: RunEvent[]): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const event of events) {
    if (event.type !== 'node.completed' && event.type !== 'node.failed') continue;
    const list = byNode.get(event.node) ?? [];
    list[event.visit - 1] = event.type === 'node.completed' ? 'completes' : 'fails';
    byNode.set(event.node, list);
  }
  return byNode;
}

function pathOutcomes(path: WorkflowPath): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const step of path.steps) {
    const list = byNode.get(step.node) ?? [];
    list[step.visit - 1] = step.outcome.kind === 'done' ? 'completes' : 'fails';
    byNode.set(step.node, list);
  }
  return byNode;
}

/** Edges grouped by source node, in order: branches of a fork may interleave differently, one node's edges may not. */
function edgesBySource(edges: Array<{ from: string; to: string; mode: string }>): Map<string, string[]> {
  const bySource = new Map<string, string[]>();
  for (const edge of edges) bySource.set(edge.from, [...(bySource.get(edge.from) ?? []), edgeText(edge)]);
  return bySource;
}

function compareMaps(expected: Map<string, string[]>, actual: Map<string, string[]>, what: string): string[] {
  const problems: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = (expected.get(key) ?? []).join(', ') || 'nothing';
    const got = (actual.get(key) ?? []).join(', ') || 'nothing';
    if (want !== got) problems.push(`${what} ${key}: expected ${want}; the run did ${got}`);
  }
  return problems;
}

export function checkRun(workflow: Workflow, path: WorkflowPath, events: RunEvent[]): PathCheck {
  const taken = events.flatMap((event): TakenEdge[] =>
    event.type === 'edge.taken'
      ? [
          {
            index: edgeIndex(workflow, event.from, event.to, event.mode),
            from: event.from,
            to: event.to,
            mode: event.mode,
          },
        ]
      : [],
  );
  const final = events.find((event) => event.type === 'run.completed' || event.type === 'run.failed');
  const status = final && 'status' in final ? final.status : undefined;
  const problems = [
    ...(status === path.status
      ? []
      : [`expected the run to end ${path.status}; it ended ${status ?? 'without a final event'}`]),
    ...compareMaps(pathOutcomes(path), runOutcomes(events), 'node'),
    ...compareMaps(edgesBySource(path.steps.flatMap((step) => step.edges)), edgesBySource(taken), 'edges from'),
  ];
  return { path, passed: problems.length === 0, problems, edges: taken, ...(status ? { status } : {}) };
}
