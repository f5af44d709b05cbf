// Bounds on one CEL evaluation: @bufbuild/cel has no cost limit, so the work is estimated before it starts —
// comprehensions (all, exists, exists_one, map, filter) nested k deep over lists of n items cost about n^k steps.
const MACRO = /\.\s*(all|exists_one|exists|map|filter)\s*\(/g;

/** Values an expression may read at once (every list item, map entry and scalar counts one). */
const MAX_CEL_INPUT_VALUES = 100_000;
const MAX_CEL_STEPS = 1_000_000;

/** How deeply the comprehensions of `source` nest (0 when it has none). */
export function comprehensionDepth(source: string): number {
  const opens = [...source.matchAll(MACRO)].map((match) => match.index);
  let deepest = 0;
  for (const start of opens) {
    // A macro nests inside every earlier one whose parentheses are still open at its start.
    let depth = 1;
    for (const outer of opens) {
      if (outer >= start) break;
      let balance = 0;
      for (let index = source.indexOf('(', outer); index < start; index++)
        balance += source[index] === '(' ? 1 : source[index] === ')' ? -1 : 0;
      if (balance > 0) depth++;
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** Counts values and the longest list, iteratively, stopping once past the input bound. */
function measureInputs(values: readonly unknown[]): { values: number; longestList: number } {
  const pending = [...values];
  let count = 0;
  let longestList = 0;
  while (pending.length > 0 && count <= MAX_CEL_INPUT_VALUES) {
    const value = pending.pop();
    count++;
    if (Array.isArray(value)) {
      longestList = Math.max(longestList, value.length);
      pending.push(...value.slice(0, MAX_CEL_INPUT_VALUES));
    } else if (value && typeof value === 'object') {
      const entries = Object.values(value);
      longestList = Math.max(longestList, entries.length);
      pending.push(...entries.slice(0, MAX_CEL_INPUT_VALUES));
    }
  }
  return { values: count, longestList };
}

/** Why `source` may not run over `values`, or undefined when it fits the bounds. */
export function budgetProblem(depth: number, values: readonly unknown[]): string | undefined {
  const measured = measureInputs(values);
  if (measured.values > MAX_CEL_INPUT_VALUES) return `its inputs hold more than ${MAX_CEL_INPUT_VALUES} values`;
  const steps = depth === 0 ? 0 : measured.longestList ** depth;
  if (steps > MAX_CEL_STEPS) {
    return `it nests ${depth} comprehensions over a list of ${measured.longestList} items (about ${steps.toExponential(1)} steps; the limit is ${MAX_CEL_STEPS})`;
  }
  return undefined;
}
