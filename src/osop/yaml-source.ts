// Parses OSOP text (YAML 1.2 or JSON) into plain data plus a locator from document paths to line:col.
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { DocPath } from './diagnostics.ts';
import { parseJsonSource } from './json-source.ts';
import type { Diagnostic, SourcePosition } from './workflow.ts';

export const MAX_BYTES = 1024 * 1024;
/** Aliases allowed in one document before it is treated as an alias bomb. */
const MAX_ALIASES = 100;
const MAX_YAML_PROBLEMS = 10;

export interface SourceDocument {
  data?: unknown;
  /** Position of a path's value (or of its key with `{ key: true }`), or of the nearest existing ancestor. */
  locate(path: DocPath, options?: { key?: boolean }): SourcePosition;
  /** Position of column `col` (1-based) inside the string at `path`, when the string sits on one line. */
  locateInString(path: DocPath, col: number): SourcePosition;
  diagnostics: Diagnostic[];
}

function nodeAt(doc: Document, path: DocPath): { node?: Node; keyNode?: Node; depth: number } {
  let current: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth];
    if (isMap(current)) {
      const pair = current.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return { node: current as Node, depth };
      keyNode = pair.key as Node;
      current = pair.value ?? pair.key;
    } else if (isSeq(current) && typeof segment === 'number' && current.items[segment]) {
      keyNode = undefined;
      current = current.items[segment];
    } else {
      return { node: current as Node | undefined, depth };
    }
  }
  return { node: current as Node | undefined, keyNode, depth: path.length };
}

/** JSON text takes the fast path of json-source.ts when it can. */
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

/**
 * V8 keeps a string one byte per character when every character fits, but a slice of a text that has one character
 * beyond (the seed's Chinese names) stays two bytes per character, and so does every key and JSON text made from it:
 * a run's prompt, events and snapshots took twice the memory. The document's plain-Latin-1 scalars are copied to
 * one-byte strings before they become keys and values (toJS).
 */
function storeOneByte(doc: Document): void {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && !BEYOND_LATIN1.test(node.value))
        node.value = Buffer.from(node.value, 'latin1').toString('latin1');
    },
  });
}

export function parseSource(text: string, file: string): SourceDocument {
  const json = /^\s*[{[]/.test(text) ? parseJsonSource(text, file) : undefined;
  return json ? { ...json, diagnostics: [] } : parseYamlSource(text, file);
}

export function parseYamlSource(text: string, file: string): SourceDocument {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line: Math.max(line, 1), col: Math.max(col, 1) };
  };
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });

  const locate: SourceDocument['locate'] = (path, options) => {
    const { node, keyNode, depth } = nodeAt(doc, path);
    const target = options?.key && depth === path.length && keyNode ? keyNode : node;
    return at(target?.range?.[0] ?? 0);
  };
  const locateInString: SourceDocument['locateInString'] = (path, col) => {
    const { node, depth } = nodeAt(doc, path);
    if (depth !== path.length || !isScalar(node) || !node.range) return locate(path);
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const plainOneLine = quoted || node.type === Scalar.PLAIN;
    const start = at(node.range[0]);
    const end = at(node.range[1]);
    if (!plainOneLine || start.line !== end.line) return start;
    return { ...start, col: start.col + (quoted ? 1 : 0) + col - 1 };
  };

  const problems = [...doc.errors, ...doc.warnings];
  const errors = new Set<unknown>(doc.errors);
  for (const problem of problems.slice(0, MAX_YAML_PROBLEMS)) {
    const [start] = problem.pos;
    const duplicate = problem.code === 'DUPLICATE_KEY';
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]+)/
      .exec(text.slice(start, start + 200))?.[1]
      .trim()
      .replace(/^["']|["']$/g, '');
    const message = duplicate ? `duplicate key "${key}"` : `YAML: ${problem.message.split('\n')[0]}`;
    diagnostics.push({
      ...at(start),
      severity: errors.has(problem) ? 'error' : 'warning',
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      path: '',
      message,
      ...(duplicate ? { suggestion: 'remove or rename one of the two keys' } : {}),
    });
  }
  if (problems.length > MAX_YAML_PROBLEMS) {
    const [last] = diagnostics.slice(-1);
    diagnostics.push({
      ...last,
      code: 'yaml-syntax',
      message: `${problems.length - MAX_YAML_PROBLEMS} more YAML problems not shown`,
      suggestion: 'fix the first ones; later ones often follow from them',
    });
  }
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return { locate, locateInString, diagnostics };

  try {
    if (BEYOND_LATIN1.test(text)) storeOneByte(doc);
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIASES });
    return { data, locate, locateInString, diagnostics };
  } catch (failure) {
    diagnostics.push({
      file,
      line: 1,
      col: 1,
      severity: 'error',
      code: 'yaml-aliases',
      path: '',
      message: `YAML aliases expand too far (${(failure as Error).message})`,
      suggestion: `use fewer than ${MAX_ALIASES} alias expansions`,
    });
    return { locate, locateInString, diagnostics };
  }
}
