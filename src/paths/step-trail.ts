// The steps of the path a depth-first walk is on, with a hash of every prefix kept as it grows: the duplicate check of
// a listed path then costs neither a serialization nor a pass over thousands of steps.
import type { PathStep } from './path.ts';

export class StepTrail {
  readonly steps: PathStep[] = [];
  // Two 32-bit FNV-style hashes of steps[0..i], one pair per step.
  readonly #first: number[] = [];
  readonly #second: number[] = [];

  push(step: PathStep): void {
    let first = this.#first.at(-1) ?? 0x811c9dc5;
    let second = this.#second.at(-1) ?? 0x01000193;
    const mix = (text: string) => {
      for (let index = 0; index < text.length; index += 1) {
        const unit = text.charCodeAt(index);
        first = Math.imul(first ^ unit, 0x01000193);
        second = Math.imul(second ^ unit, 0x5bd1e995);
      }
      first = Math.imul(first ^ 0xff, 0x01000193);
      second = Math.imul(second ^ 0xff, 0x5bd1e995);
    };
    mix(step.node);
    mix(String(step.visit));
    mix(step.outcome.label);
    for (const edge of step.edges) mix(String(edge.index));
    mix(step.final ?? '');
    this.steps.push(step);
    this.#first.push(first);
    this.#second.push(second);
  }

  pop(): void {
    this.steps.pop();
    this.#first.pop();
    this.#second.pop();
  }

  /** The current steps' hash: equal for equal steps (sameSteps confirms a hit). */
  hash(): string {
    return `${this.#first.at(-1) ?? 0}:${this.#second.at(-1) ?? 0}:${this.steps.length}`;
  }
}

/** What tells two paths' steps apart for the duplicate check: node, visit, outcome, edges taken and final status. */
export function sameSteps(left: PathStep[], right: PathStep[]): boolean {
  return (
    left.length === right.length &&
    left.every((step, index) => {
      const other = right[index];
      return (
        step.node === other.node &&
        step.visit === other.visit &&
        step.outcome.label === other.outcome.label &&
        step.final === other.final &&
        step.edges.length === other.edges.length &&
        step.edges.every((edge, at) => edge.index === other.edges[at].index)
      );
    })
  );
}
