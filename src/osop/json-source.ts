// A JSON document's data and positions without the YAML parser, which took ~1 s for a 1,000-node document and
// several for 5,000: JSON.parse for the data, jsonc-parser's visitor for where each value and key starts. Undefined when
// the text is not plain JSON or has a tab, a duplicate, long or `__proto__` key: the YAML parse then reports it as it
// always did.
import { visit } from 'jsonc-parser';
import type { DocPath } from './diagnostics.ts';
import type { SourcePosition } from './workflow.ts';

export interface JsonSource {
  data: unknown;
  locate(path: DocPath, options?: { key?: boolean }): SourcePosition;
  locateInString(path: DocPath, col: number): SourcePosition;
}

const OBJECT = 0;
const ARRAY = 1;
const STRING = 2;
const SCALAR = 3;

/** YAML reports a key of 1024+ characters; its quotes count here, as they do in jsonc-parser's key length. */
const MAX_KEY_LENGTH = 1000;

/**
 * Where every value of a JSON text starts, as a tree in typed arrays (a value's kind, offset, its key's offset and
 * text in an object, its first child and next sibling), built from jsonc-parser's visitor. jsonc-parser's own tree
 * (parseTree) made ~10 objects a value: on a 5,000-node document it took 6–10× its JSON.parse and half the load.
 */
class OffsetTree {
  kind = new Uint8Array(1024);
  offset = new Int32Array(1024);
  keyOffset = new Int32Array(1024);
  firstChild = new Int32Array(1024);
  nextSibling = new Int32Array(1024);
  childCount = new Int32Array(1024);
  readonly keys: Array<string | undefined> = [];
  size = 0;
  /** An array's children by index, made when a path first indexes into it. */
  private readonly items = new Map<number, Int32Array>();
  /** A big object's children by key, made when a path first looks a key up in it. */
  private readonly byKey = new Map<number, Map<string, number>>();

  add(kind: number, offset: number, key: string | undefined, keyOffset: number): number {
    if (this.size === this.offset.length) this.grow();
    const id = this.size++;
    this.kind[id] = kind;
    this.offset[id] = offset;
    this.keyOffset[id] = keyOffset;
    this.keys.push(key);
    this.firstChild[id] = -1;
    this.nextSibling[id] = -1;
    this.childCount[id] = 0;
    return id;
  }

  private grow(): void {
    const double = <T extends Uint8Array | Int32Array>(array: T): T => {
      const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
      bigger.set(array);
      return bigger;
    };
    this.kind = double(this.kind);
    this.offset = double(this.offset);
    this.keyOffset = double(this.keyOffset);
    this.firstChild = double(this.firstChild);
    this.nextSibling = double(this.nextSibling);
    this.childCount = double(this.childCount);
  }

  /** The child of object `id` under `name` (keys are unique here: a repeat leaves the document to YAML), or -1. */
  property(id: number, name: string): number {
    // A big object (a schema of many properties) is looked up once per property: indexed, that is not n².
    if (this.childCount[id] > 16) return this.keysOf(id).get(name) ?? -1;
    for (let child = this.firstChild[id]; child >= 0; child = this.nextSibling[child])
      if (this.keys[child] === name) return child;
    return -1;
  }

  private keysOf(id: number): Map<string, number> {
    let index = this.byKey.get(id);
    if (!index) {
      index = new Map();
      for (let child = this.firstChild[id]; child >= 0; child = this.nextSibling[child])
        index.set(this.keys[child] ?? '', child);
      this.byKey.set(id, index);
    }
    return index;
  }

  /** The child of array `id` at `index`, or -1. */
  item(id: number, index: number): number {
    let items = this.items.get(id);
    if (!items) {
      items = new Int32Array(this.childCount[id]);
      let count = 0;
      for (let child = this.firstChild[id]; child >= 0; child = this.nextSibling[child]) items[count++] = child;
      this.items.set(id, items);
    }
    return Number.isInteger(index) && index >= 0 && index < items.length ? items[index] : -1;
  }
}

/**
 * The OffsetTree of `text`, or undefined when YAML would read one of its keys otherwise than JSON.parse does: a
 * repeated key (an error there; JSON.parse keeps the last), `__proto__`, one of 1024+ characters.
 */
function offsetTree(text: string, data: unknown): OffsetTree | undefined {
  const tree = new OffsetTree();
  const open: number[] = [];
  /** The last child of each open container, to link the next one after it. */
  const last: number[] = [];
  let key: string | undefined;
  let keyOffset = -1;
  let properties = 0;
  let readOtherwise = false;
  const add = (kind: number, offset: number): number => {
    const id = tree.add(kind, offset, key, keyOffset);
    key = undefined;
    keyOffset = -1;
    const depth = open.length - 1;
    if (depth >= 0) {
      tree.childCount[open[depth]]++;
      if (last[depth] < 0) tree.firstChild[open[depth]] = id;
      else tree.nextSibling[last[depth]] = id;
      last[depth] = id;
    }
    return id;
  };
  const begin = (kind: number) => (offset: number) => {
    open.push(add(kind, offset));
    last.push(-1);
  };
  const end = () => {
    open.pop();
    last.pop();
  };
  visit(
    text,
    {
      onObjectBegin: begin(OBJECT),
      onObjectEnd: end,
      onArrayBegin: begin(ARRAY),
      onArrayEnd: end,
      onObjectProperty: (property, offset, length) => {
        properties++;
        if (property === '__proto__' || length > MAX_KEY_LENGTH) readOtherwise = true;
        key = property;
        keyOffset = offset;
      },
      onLiteralValue: (value, offset) => void add(typeof value === 'string' ? STRING : SCALAR, offset),
      onError: () => (readOtherwise = true),
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return readOtherwise || tree.size === 0 || countKeys(data) !== properties ? undefined : tree;
}

/** The keys JSON.parse kept, over every object of `data`: fewer than the text has when one was repeated. */
function countKeys(data: unknown): number {
  let count = 0;
  const pending: unknown[] = [data];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === 'object') pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) {
        count++;
        const item = (value as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') pending.push(item);
      }
    }
  }
  return count;
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
  let tree: OffsetTree | undefined;
  try {
    data = JSON.parse(text);
    tree = offsetTree(text, data);
  } catch {
    return undefined; // not JSON (a syntax error, nesting past the call stack)
  }
  if (!tree) return undefined;
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
  // As yaml-source.ts's nodeAt: the deepest value on the path, and whether the path is whole (then its last key).
  const nodeAt = (path: DocPath): { node: number; whole: boolean } => {
    let node = 0;
    for (const segment of path) {
      const kind = tree.kind[node];
      const child =
        kind === OBJECT
          ? tree.property(node, String(segment))
          : kind === ARRAY && typeof segment === 'number'
            ? tree.item(node, segment)
            : -1;
      if (child < 0) return { node, whole: false };
      node = child;
    }
    return { node, whole: true };
  };
  const locate: JsonSource['locate'] = (path, options) => {
    const { node, whole } = nodeAt(path);
    const key = tree.keyOffset[node];
    return at(options?.key && whole && key >= 0 ? key : tree.offset[node]);
  };
  const locateInString: JsonSource['locateInString'] = (path, col) => {
    const { node, whole } = nodeAt(path);
    const kind = tree.kind[node];
    if (!whole || kind === OBJECT || kind === ARRAY) return locate(path);
    const start = at(tree.offset[node]);
    // A JSON string sits on one line (it cannot hold a raw line break): its text starts after the quote.
    return { ...start, col: start.col + (kind === STRING ? 1 : 0) + col - 1 };
  };
  return { data, locate, locateInString };
}
