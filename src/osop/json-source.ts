// A JSON document's data and positions without the YAML parser, which took ~1 s for a 1,000-node document and
// several for 5,000: JSON.parse for the data, jsonc-parser's tree for where each value and key starts. Undefined when
// the text is not plain JSON or has a tab, a duplicate, long or `__proto__` key: the YAML parse then reports it as it
// always did.
import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { DocPath } from './diagnostics.ts';
import type { SourcePosition } from './workflow.ts';

export interface JsonSource {
  data: unknown;
  locate(path: DocPath, options?: { key?: boolean }): SourcePosition;
  locateInString(path: DocPath, col: number): SourcePosition;
}

/** Keys YAML reads differently from JSON.parse: a repeated key (an error there), `__proto__`, 1024+ characters. */
function hasKeyYamlReadsOtherwise(root: JsonNode): boolean {
  const pending: JsonNode[] = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const seen = node.type === 'object' ? new Set<string>() : undefined;
    for (const child of node.children ?? []) {
      if (seen && child.type === 'property') {
        const [key, value] = child.children ?? [];
        const name = String(key?.value);
        if (seen.has(name) || name === '__proto__' || (key?.length ?? 0) > 1000) return true;
        seen.add(name);
        if (value) pending.push(value);
      } else pending.push(child);
    }
  }
  return false;
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
  let root: JsonNode | undefined;
  try {
    data = JSON.parse(text);
    const errors: ParseError[] = [];
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    if (errors.length > 0) return undefined;
  } catch {
    return undefined; // not JSON (a syntax error, nesting past the call stack)
  }
  if (!root || hasKeyYamlReadsOtherwise(root)) return undefined;
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
  const nodeAt = (path: DocPath): { node: JsonNode; key?: JsonNode; whole: boolean } => {
    let node = root;
    let key: JsonNode | undefined;
    for (const segment of path) {
      if (node.type === 'object') {
        const property = node.children?.find((child) => child.children?.[0]?.value === String(segment));
        const value = property?.children?.[1];
        if (!value) return { node, whole: false };
        [key, node] = [property.children?.[0], value];
      } else if (node.type === 'array' && typeof segment === 'number' && node.children?.[segment]) {
        [key, node] = [undefined, node.children[segment]];
      } else return { node, whole: false };
    }
    return { node, key, whole: true };
  };
  const locate: JsonSource['locate'] = (path, options) => {
    const { node, key, whole } = nodeAt(path);
    return at(options?.key && whole && key ? key.offset : node.offset);
  };
  const locateInString: JsonSource['locateInString'] = (path, col) => {
    const { node, whole } = nodeAt(path);
    if (!whole || node.type === 'object' || node.type === 'array') return locate(path);
    const start = at(node.offset);
    // A JSON string sits on one line (it cannot hold a raw line break): its text starts after the quote.
    return { ...start, col: start.col + (node.type === 'string' ? 1 : 0) + col - 1 };
  };
  return { data, locate, locateInString };
}
