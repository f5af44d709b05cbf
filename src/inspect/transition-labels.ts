// How a compiled machine's transitions read to a person: `done`, `error`, `after 500 ms`, guards by name.
import type { AnyStateNode } from 'xstate';

export interface Transition {
  eventType: string;
  guard?: unknown;
  target?: ReadonlyArray<{ id: string }>;
}

const DONE = 'xstate.done.actor.';
const ERROR = 'xstate.error.actor.';
const AFTER = /^xstate\.after\.(\d+)\./;

/** `done` / `error` for a node actor's outcome, `after N ms` for a delay, `always` for an eventless transition. */
export function eventLabel(eventType: string): string {
  if (eventType.startsWith(DONE)) return 'done';
  if (eventType.startsWith(ERROR)) return 'error';
  const after = AFTER.exec(eventType);
  if (after) return `after ${after[1]} ms`;
  return eventType || 'always';
}

/** Guards whose name alone does not say what they check: one guard stands for both limits that stop a node. */
const GUARD_MEANINGS: Record<string, string> = {
  successStopped: 'visit limit or cycle limit',
  failureStopped: 'visit limit or cycle limit',
};

/** A named guard with its `key` parameter when it has one (`successRoute default`), or what it checks. */
export function guardLabel(guard: unknown): string | undefined {
  if (!guard || typeof guard !== 'object') return typeof guard === 'string' ? guard : undefined;
  const { type, params } = guard as { type?: unknown; params?: { key?: unknown } };
  if (typeof type !== 'string') return undefined;
  if (Object.hasOwn(GUARD_MEANINGS, type)) return `${type} (${GUARD_MEANINGS[type]})`;
  return typeof params?.key === 'string' ? `${type} ${params.key}` : type;
}

export const childStates = (node: AnyStateNode): AnyStateNode[] => Object.values(node.states) as AnyStateNode[];

/** Event transitions and eventless (`always`) ones. */
export function transitionsOf(node: AnyStateNode): Transition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])] as Transition[];
}
