// The compiled machine (not the OSOP graph) as a Mermaid stateDiagram-v2: states, forks as concurrent regions, every guarded transition.
import type { AnyStateNode } from 'xstate';
import type { MachineLike } from './machine-json.ts';
import { childStates as children, eventLabel, guardLabel, transitionsOf } from './transition-labels.ts';

/** Mermaid reads `:`, `;`, `#` and braces as syntax; labels keep to words. */
const label = (text: string): string =>
  text
    .replace(/[:;#{}"<>|\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

class Ids {
  readonly #ids = new Map<string, string>();
  readonly #taken = new Set<string>();

  of(stateId: string): string {
    const known = this.#ids.get(stateId);
    if (known) return known;
    const base = `s_${stateId.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let n = 2; this.#taken.has(id); n++) id = `${base}_${n}`;
    this.#ids.set(stateId, id);
    this.#taken.add(id);
    return id;
  }
}

function renderState(node: AnyStateNode, ids: Ids, lines: string[], indent: string): void {
  const id = ids.of(node.id);
  const invoke = node.invoke.map((entry) => `invoke ${typeof entry.src === 'string' ? entry.src : entry.id}`);
  lines.push(`${indent}state "${label(node.key)}" as ${id}`);
  const notes = [...invoke, ...(node.description ? [label(node.description)] : [])];
  if (notes.length > 0) lines.push(`${indent}${id} : ${notes.join(' · ')}`);
  if (node.type === 'compound' || node.type === 'parallel') {
    lines.push(`${indent}state ${id} {`);
    renderChildren(node, ids, lines, `${indent}  `);
    lines.push(`${indent}}`);
  }
  if (node.type === 'final') lines.push(`${indent}${id} --> [*]`);
}

function renderChildren(node: AnyStateNode, ids: Ids, lines: string[], indent: string): void {
  const states = children(node);
  if (node.type === 'parallel') {
    states.forEach((region, index) => {
      if (index > 0) lines.push(`${indent}--`);
      renderState(region, ids, lines, indent);
    });
    return;
  }
  const initial = node.initial?.target?.[0] as AnyStateNode | undefined;
  if (initial) lines.push(`${indent}[*] --> ${ids.of(initial.id)}`);
  for (const state of states) renderState(state, ids, lines, indent);
  for (const state of states) {
    for (const transition of transitionsOf(state)) {
      const guard = guardLabel(transition.guard);
      const text = label(`${eventLabel(transition.eventType)}${guard ? ` / ${guard}` : ''}`);
      for (const target of transition.target ?? [])
        lines.push(`${indent}${ids.of(state.id)} --> ${ids.of(target.id)} : ${text}`);
    }
  }
}

/** Mermaid `stateDiagram-v2` text of the machine; transitions the root handles from any state are notes. */
export function machineToMermaid(machine: MachineLike): string {
  const ids = new Ids();
  const { root } = machine;
  const lines = ['stateDiagram-v2', `  %% machine ${label(root.id)}`];
  renderChildren(root, ids, lines, '  ');
  for (const transition of transitionsOf(root)) {
    for (const target of transition.target ?? [])
      lines.push(
        `  note left of ${ids.of(target.id)} : ${label(`${eventLabel(transition.eventType)} from any state`)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
