// A JSON document's data and positions without the YAML parser, which took ~1 s for a 1,000-node document and
// several for 5,000: JSON.parse for the data, one scan for where each value and key starts. Undefined when the text
// is not plain JSON, has a tab, a duplicate, long or `__proto__` key, or nests too deep: the YAML parse then reports
// it as it always did.
import type { DocPath } from './diagnostics.ts';
import type { SourcePosition } from './workflow.ts';

interface Located {
  start: number;
  /** Objects: each key's offset and its value. */
  keys?: Map<string, { key: number; value: Located }>;
  items?: Located[];
  /** A string value (its text sits on one line: JSON strings cannot hold a raw line break). */
  string?: boolean;
}

export interface JsonSource {
  data: unknown;
  locate(path: DocPath, options?: { key?: boolean }): SourcePosition;
  locateInString(path: DocPath, col: number): SourcePosition;
}

class NotPlainJson extends Error {}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function scan(text: string): Located {
  let at = 0;
  const skip = () => {
    while (at < text.length && WHITESPACE.has(text.charCodeAt(at))) at += 1;
  };
  const stringEnd = (from: number) => {
    let index = from + 1;
    while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    return index + 1;
  };
  const value = (): Located => {
    skip();
    const start = at;
    const char = text[at];
    if (char === '{') {
      const keys = new Map<string, { key: number; value: Located }>();
      at += 1;
      skip();
      if (text[at] === '}') at += 1;
      else
        for (;;) {
          skip();
          const key = at;
          at = stringEnd(at);
          const raw = text.slice(key + 1, at - 1);
          const name = raw.includes('\\') ? (JSON.parse(text.slice(key, at)) as string) : raw;
          // YAML refuses keys of 1024 characters or more; `__proto__` would be read differently.
          if (keys.has(name) || name === '__proto__' || at - key > 1000) throw new NotPlainJson();
          skip();
          at += 1; // the colon
          keys.set(name, { key, value: value() });
          skip();
          if (text[at++] === '}') break;
        }
      return { start, keys };
    }
    if (char === '[') {
      const items: Located[] = [];
      at += 1;
      skip();
      if (text[at] === ']') at += 1;
      else
        for (;;) {
          items.push(value());
          skip();
          if (text[at++] === ']') break;
        }
      return { start, items };
    }
    if (char === '"') {
      at = stringEnd(at);
      return { start, string: true };
    }
    while (at < text.length && !/[\s,\]}]/.test(text[at])) at += 1;
    return { start };
  };
  return value();
}

/** Line starts, for offset → line:col. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

export function parseJsonSource(text: string, file: string): JsonSource | undefined {
  // YAML reads tab indentation differently; such a document keeps the YAML parse and its diagnostics.
  if (text.includes('\t')) return undefined;
  let data: unknown;
  let root: Located;
  try {
    data = JSON.parse(text);
    root = scan(text);
  } catch {
    return undefined; // not JSON (a syntax error, a duplicate key, nesting past the call stack)
  }
  const starts = lineStarts(text);
  const at = (offset: number): SourcePosition => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { file, line: low + 1, col: offset - starts[low] + 1 };
  };
  // As yaml-source.ts's nodeAt: the deepest node on the path, and the key of the last step when the path is whole.
  const nodeAt = (path: DocPath): { node: Located; key?: number; whole: boolean } => {
    let node = root;
    let key: number | undefined;
    for (const segment of path) {
      const entry = node.keys?.get(String(segment));
      const item = typeof segment === 'number' ? node.items?.[segment] : undefined;
      if (entry) [key, node] = [entry.key, entry.value];
      else if (item) [key, node] = [undefined, item];
      else return { node, whole: false };
    }
    return { node, key, whole: true };
  };
  const locate: JsonSource['locate'] = (path, options) => {
    const { node, key, whole } = nodeAt(path);
    return at(options?.key && whole && key !== undefined ? key : node.start);
  };
  const locateInString: JsonSource['locateInString'] = (path, col) => {
    const { node, whole } = nodeAt(path);
    if (!whole || node.keys || node.items) return locate(path);
    const start = at(node.start);
    return { ...start, col: start.col + (node.string ? 1 : 0) + col - 1 };
  };
  return { data, locate, locateInString };
}
