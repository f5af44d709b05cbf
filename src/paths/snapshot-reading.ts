// Reading a compiled machine's snapshots the way a path needs them: which nodes run, which were just entered, how it ended.
import type { AnyMachineSnapshot } from 'xstate';
import type { EdgeMode, Workflow, WorkflowEdge } from '../osop/workflow.ts';
import type { FinalStatus, TakenEdge } from './path.ts';

const FINALS: readonly FinalStatus[] = ['COMPLETED', 'FAILED', 'TIMEOUT'];

/** Invoked node actors alive in the snapshot (invoke ids are node ids). */
export function runningNodes(snapshot: AnyMachineSnapshot): string[] {
  return snapshot.status === 'active' ? Object.keys(snapshot.children ?? {}) : [];
}

export function finalStatusOf(snapshot: AnyMachineSnapshot): FinalStatus | undefined {
  if (snapshot.status !== 'done') return undefined;
  const output = snapshot.output as { status?: unknown } | undefined;
  if (typeof output?.status === 'string' && (FINALS as readonly string[]).includes(output.status))
    return output.status as FinalStatus;
  const value = typeof snapshot.value === 'string' ? snapshot.value : '';
  return FINALS.find((status) => value === status || value.endsWith(`.${status}`)) ?? 'COMPLETED';
}

/** The `edge.taken` events among a transition's actions, located in the document's edge list. */
export function edgesOfActions(workflow: Workflow, actions: Array<{ type: string; params?: unknown }>): TakenEdge[] {
  return actions.flatMap((action): TakenEdge[] => {
    const emitted = (
      action.params as { event?: { type?: string; from?: string; to?: string; mode?: EdgeMode } } | undefined
    )?.event;
    if (
      action.type !== 'xstate.emit' ||
      emitted?.type !== 'edge.taken' ||
      !emitted.from ||
      !emitted.to ||
      !emitted.mode
    )
      return [];
    return [
      {
        index: edgeIndex(workflow, emitted.from, emitted.to, emitted.mode),
        from: emitted.from,
        to: emitted.to,
        mode: emitted.mode,
      },
    ];
  });
}

const edgesByFrom = new WeakMap<Workflow, Map<string, WorkflowEdge[]>>();

/** The document edge an `edge.taken` stands for; -1 when none matches. */
export function edgeIndex(workflow: Workflow, from: string, to: string, mode: EdgeMode): number {
  let byFrom = edgesByFrom.get(workflow);
  if (!byFrom) {
    byFrom = new Map();
    for (const edge of workflow.edges) {
      const from = byFrom.get(edge.from);
      if (from) from.push(edge);
      else byFrom.set(edge.from, [edge]);
    }
    edgesByFrom.set(workflow, byFrom);
  }
  const reaches = (edge: WorkflowEdge) =>
    edge.to === to || edge.defaultTo === to || (edge.cases ?? []).some((entry) => entry.to === to);
  return (byFrom.get(from) ?? []).find((edge) => edge.mode === mode && reaches(edge))?.index ?? -1;
}
