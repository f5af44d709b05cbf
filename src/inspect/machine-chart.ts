// The compiled machine as a statechart to draw: nested states (parallel regions inside their fork) and one arrow
// per source → target, labelled by the events that take it. The page's Inspector draws it and lights the active state.
import type { AnyStateNode } from 'xstate';
import type { MachineLike } from './machine-json.ts';
import { childStates, eventLabel, guardLabel, transitionsOf } from './transition-labels.ts';

export interface ChartState {
  /** XState's id of the state, unique in the machine (`create_intent`, `run:FAILED`). */
  id: string;
  key: string;
  /** Keys from the root: how a snapshot's `value` names this state. */
  path: string[];
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The actor the state invokes (`api`, `agent`, `human`...). */
  invokes?: string;
  description?: string;
  /** A compound state's initial child (its id). */
  initial?: string;
  states: ChartState[];
}

interface ChartTransition {
  source: string;
  target: string;
  /** `done`, `error`, `always`, `after 500 ms`…, once each in the order the machine checks them. */
  events: string[];
  /** The guards that choose this target, by name. */
  guards: string[];
}

export interface MachineChart {
  id: string;
  initial?: string;
  states: ChartState[];
  transitions: ChartTransition[];
  /** What the root takes from any state: `run.cancel` → CANCELLED. */
  anywhere: Array<{ event: string; target: string }>;
}

const stateOf = (node: AnyStateNode): ChartState => {
  const src = node.invoke[0]?.src;
  const initial = node.type === 'compound' ? (node.initial?.target?.[0] as AnyStateNode | undefined) : undefined;
  return {
    id: node.id,
    key: node.key,
    path: [...node.path],
    type: node.type,
    ...(node.invoke.length > 0 ? { invokes: typeof src === 'string' ? src : node.invoke[0].id } : {}),
    ...(node.description ? { description: node.description } : {}),
    ...(initial ? { initial: initial.id } : {}),
    states: childStates(node).map(stateOf),
  };
};

const descendants = (node: AnyStateNode): AnyStateNode[] =>
  childStates(node).flatMap((child) => [child, ...descendants(child)]);

function arrowsOf(root: AnyStateNode): ChartTransition[] {
  const arrows = new Map<string, ChartTransition>();
  for (const node of descendants(root)) {
    for (const transition of transitionsOf(node)) {
      for (const target of transition.target ?? []) {
        const key = `${node.id}\u0000${target.id}`;
        const arrow = arrows.get(key) ?? { source: node.id, target: target.id, events: [], guards: [] };
        arrows.set(key, arrow);
        const event = eventLabel(transition.eventType);
        const guard = guardLabel(transition.guard);
        if (!arrow.events.includes(event)) arrow.events.push(event);
        if (guard && !arrow.guards.includes(guard)) arrow.guards.push(guard);
      }
    }
  }
  return [...arrows.values()];
}

/** Machines are immutable once made: each one's chart is drawn once (a 5,000-node workflow's takes ~0.1 s). */
const charts = new WeakMap<MachineLike, MachineChart>();

/** The machine's chart, shared by every caller: read it, do not change it. */
export function machineToChart(machine: MachineLike): MachineChart {
  let chart = charts.get(machine);
  if (!chart) charts.set(machine, (chart = chartOf(machine)));
  return chart;
}

function chartOf(machine: MachineLike): MachineChart {
  const root = machine.root as AnyStateNode;
  const initial = root.initial?.target?.[0] as AnyStateNode | undefined;
  return {
    id: root.id,
    ...(initial ? { initial: initial.id } : {}),
    states: childStates(root).map(stateOf),
    transitions: arrowsOf(root),
    anywhere: transitionsOf(root).flatMap((transition) =>
      (transition.target ?? []).map((target) => ({ event: eventLabel(transition.eventType), target: target.id })),
    ),
  };
}
