// How deep a JSON value nests, for refusing request bodies that the run would choke on.

/** Deeper values (run inputs, a decision's data) are refused: copying, redacting and storing them would overflow the stack. */
export const MAX_JSON_DEPTH = 32;

/** Whether a JSON value nests deeper than `limit`, found without recursion so that any depth is safe to ask about. */
export const nestsDeeperThan = (value: unknown, limit: number): boolean => {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
};
