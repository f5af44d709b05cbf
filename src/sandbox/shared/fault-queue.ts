import { matchesPath } from './path-pattern.ts';

/** Where a fault applies: `method` (default any) and a path pattern (`:param`, trailing `*`). */
interface FaultMatch {
  method?: string;
  path: string;
  /** How many matching calls the fault hits (default 1). */
  times?: number;
}

export type FaultRule<F> = FaultMatch & F;

interface Armed<F> {
  rule: FaultRule<F>;
  remaining: number;
}

/** Faults armed for the next N matching calls, consumed in the order they were added. */
export class FaultQueue<F> {
  #armed: Armed<F>[] = [];

  add(rule: FaultRule<F>): void {
    this.#armed.push({ rule, remaining: rule.times ?? 1 });
  }

  /** Takes one hit of the first armed fault matching this call, if any. */
  take(method: string, path: string): FaultRule<F> | undefined {
    const index = this.#armed.findIndex(({ rule }) => applies(rule, method, path));
    if (index < 0) return undefined;
    const armed = this.#armed[index];
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed.splice(index, 1);
    return armed.rule;
  }

  pending(): Array<FaultRule<F> & { remaining: number }> {
    return this.#armed.map(({ rule, remaining }) => ({ ...rule, remaining }));
  }

  clear(): void {
    this.#armed = [];
  }
}

function applies(rule: FaultMatch, method: string, path: string): boolean {
  const wanted = rule.method?.toUpperCase();
  if (wanted && wanted !== '*' && wanted !== method.toUpperCase()) return false;
  return matchesPath(rule.path, path);
}
