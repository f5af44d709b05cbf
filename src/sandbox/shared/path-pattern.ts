/**
 * Matches a request path against a pattern such as `/v1/payment_intents/:id/confirm`:
 * `:name` matches one segment, a trailing `*` matches the rest, anything else is literal.
 */
export function matchesPath(pattern: string, path: string): boolean {
  const want = segments(pattern);
  const got = segments(path);
  for (let i = 0; i < want.length; i++) {
    const part = want[i];
    if (part === '*') return true;
    if (i >= got.length) return false;
    if (part.startsWith(':')) continue;
    if (part !== got[i]) return false;
  }
  return want.length === got.length;
}

function segments(path: string): string[] {
  return path
    .split('?')[0]
    .split('/')
    .filter((part) => part.length > 0);
}
