// Reads a CEL condition's AST for what path tests need: which node fields it compares, against which literals.
import { parse } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';

/** A value a condition reads: a node's output field, a workflow input, or a node's error text. */
type FieldRef =
  | { kind: 'output'; node: string; path: string[] }
  | { kind: 'input'; path: string[] }
  | { kind: 'error'; node: string };

type AtomOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains' | 'startsWith' | 'endsWith' | 'truthy';

/** One comparison of a field against literals, e.g. `check_status.status == 'succeeded'`. */
export interface Atom {
  ref: FieldRef;
  op: AtomOp;
  literals: unknown[];
  /** The comparison is on `size(field)`, so the samples are lists of that length. */
  size?: boolean;
  /** The literal was written as a double (`0.7`, `1.0`): CEL compares it with doubles only. */
  double?: boolean;
}

export interface ConditionShape {
  atoms: Atom[];
  /** Every field the condition reads, compared or not. */
  refs: FieldRef[];
}

export interface ResolveNames {
  /** Node ids of the workflow (bound top-level). */
  nodes: ReadonlySet<string>;
  /** Node whose outputs bare names resolve against (the edge's source). */
  sourceNode?: string;
  /** Output name → the first node declaring it: a bare name reads that node's output first (docs/semantics.md, osop/expression.ts). */
  producers?: ReadonlyMap<string, string>;
  /** What the source node declares: a bare name it declares is its own output, whoever else declares it too. */
  sourceOutputs?: ReadonlySet<string>;
}

export function outputProducers(
  nodes: ReadonlyArray<{ id: string; outputs: ReadonlyArray<{ name: string }> }>,
): Map<string, string> {
  const producers = new Map<string, string>();
  for (const node of nodes)
    for (const output of node.outputs) if (!producers.has(output.name)) producers.set(output.name, node.id);
  return producers;
}

const NAMESPACES = new Set(['inputs', 'outputs', 'metadata', 'env', 'event', 'loop', 'nodes']);
const COMPARISONS: Record<string, AtomOp> = {
  '_==_': '==',
  '_!=_': '!=',
  '_<_': '<',
  '_<=_': '<=',
  '_>_': '>',
  '_>=_': '>=',
  '@in': 'in',
};
const FLIPPED: Partial<Record<AtomOp, AtomOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const ERROR_FUNCTIONS = new Set(['error_of']);

export function conditionShape(source: string, names: ResolveNames): ConditionShape {
  const shape: ConditionShape = { atoms: [], refs: [] };
  let root: Expr;
  try {
    root = parse(source).expr;
  } catch {
    return shape;
  }
  walk(root, names, shape);
  return shape;
}

function walk(expr: Expr, names: ResolveNames, shape: ConditionShape): void {
  const ref = fieldRef(expr, names);
  if (ref) {
    shape.refs.push(ref);
    shape.atoms.push({ ref, op: 'truthy', literals: [true, false] });
    return;
  }
  const kind = expr.exprKind;
  if (kind.case === 'callExpr') {
    const call = kind.value;
    const atom = atomOf(call.function, call.target, call.args, names);
    if (atom) shape.atoms.push(atom);
    if (call.target) walkOperand(call.target, names, shape);
    for (const arg of call.args) walkOperand(arg, names, shape);
  } else if (kind.case === 'listExpr') {
    for (const element of kind.value.elements) walk(element, names, shape);
  } else if (kind.case === 'selectExpr' && kind.value.operand) {
    walk(kind.value.operand, names, shape);
  } else if (kind.case === 'comprehensionExpr' && kind.value.iterRange) {
    walk(kind.value.iterRange, names, shape);
  }
}

/** Like walk, but a bare field operand is only recorded as a reference (the comparison already made the atom). */
function walkOperand(expr: Expr, names: ResolveNames, shape: ConditionShape): void {
  const ref = fieldRef(expr, names);
  if (ref) shape.refs.push(ref);
  else walk(expr, names, shape);
}

function atomOf(fn: string, target: Expr | undefined, args: Expr[], names: ResolveNames): Atom | undefined {
  const op = COMPARISONS[fn];
  if (op && args.length === 2) {
    const [left, right] = args as [Expr, Expr];
    const leftRef = fieldRef(left, names);
    const rightRef = fieldRef(right, names);
    const sized = sizeOf(left, names);
    if (sized && typeof literalOf(right) === 'number')
      return { ref: sized, op, literals: [literalOf(right)], size: true };
    if (op === 'in') {
      const list = literalOf(right);
      return leftRef && Array.isArray(list) ? { ref: leftRef, op, literals: list } : undefined;
    }
    if (leftRef && isLiteral(right)) return { ref: leftRef, op, literals: [literalOf(right)], double: isDouble(right) };
    if (rightRef && isLiteral(left)) {
      return { ref: rightRef, op: FLIPPED[op] ?? op, literals: [literalOf(left)], double: isDouble(left) };
    }
    return undefined;
  }
  if ((fn === 'contains' || fn === 'startsWith' || fn === 'endsWith') && target && args.length === 1) {
    const ref = fieldRef(target, names);
    const literal = literalOf(args[0] as Expr);
    return ref && typeof literal === 'string' ? { ref, op: fn, literals: [literal] } : undefined;
  }
  if (fn === '!_' && args.length === 1) {
    const ref = fieldRef(args[0] as Expr, names);
    return ref ? { ref, op: 'truthy', literals: [true, false] } : undefined;
  }
  return undefined;
}

function sizeOf(expr: Expr, names: ResolveNames): FieldRef | undefined {
  const kind = expr.exprKind;
  if (kind.case !== 'callExpr' || kind.value.function !== 'size') return undefined;
  const operand = kind.value.target ?? kind.value.args[0];
  return operand ? fieldRef(operand, names) : undefined;
}

/** `a.b.c` → its dotted parts, when the expression is a plain identifier/select chain. */
function selectChain(expr: Expr): string[] | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return [kind.value.name];
  if (kind.case === 'selectExpr' && !kind.value.testOnly && kind.value.operand) {
    const head = selectChain(kind.value.operand);
    return head ? [...head, kind.value.field] : undefined;
  }
  return undefined;
}

function fieldRef(expr: Expr, names: ResolveNames): FieldRef | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'callExpr' && ERROR_FUNCTIONS.has(kind.value.function) && kind.value.args.length === 1) {
    const node = literalOf(kind.value.args[0] as Expr);
    return typeof node === 'string' ? { kind: 'error', node } : undefined;
  }
  const chain = selectChain(expr);
  if (!chain) return undefined;
  const [head, ...rest] = chain as [string, ...string[]];
  if (head === 'outputs') {
    const [node, ...path] = rest;
    return node && names.nodes.has(node) ? { kind: 'output', node, path } : undefined;
  }
  if (head === 'inputs') return rest.length ? { kind: 'input', path: rest } : undefined;
  if (NAMESPACES.has(head)) return undefined;
  if (names.nodes.has(head)) return { kind: 'output', node: head, path: rest };
  const owner = names.sourceOutputs?.has(head) ? names.sourceNode : (names.producers?.get(head) ?? names.sourceNode);
  return owner ? { kind: 'output', node: owner, path: chain } : undefined;
}

function isLiteral(expr: Expr): boolean {
  return literalOf(expr) !== NOT_LITERAL;
}

const NOT_LITERAL = Symbol('not a literal');

function literalOf(expr: Expr): unknown {
  const kind = expr.exprKind;
  if (kind.case === 'constExpr') {
    const constant = kind.value.constantKind;
    switch (constant.case) {
      case 'stringValue':
      case 'boolValue':
      case 'doubleValue':
        return constant.value;
      case 'int64Value':
      case 'uint64Value':
        return Number(constant.value);
      case 'nullValue':
        return null;
      default:
        return NOT_LITERAL;
    }
  }
  if (kind.case === 'listExpr') {
    const items = kind.value.elements.map(literalOf);
    return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
  }
  return NOT_LITERAL;
}

function isDouble(expr: Expr): boolean {
  return expr.exprKind.case === 'constExpr' && expr.exprKind.value.constantKind.case === 'doubleValue';
}

function rootRef(source: string, names: ResolveNames): FieldRef | undefined {
  try {
    return fieldRef(parse(source).expr, names);
  } catch {
    return undefined;
  }
}

/** A `switch` value: samples are the case values and one value matching none. */
export function switchShape(source: string, names: ResolveNames, values: unknown[]): ConditionShape {
  const ref = rootRef(source, names);
  return ref ? { atoms: [{ ref, op: 'in', literals: values }], refs: [ref] } : conditionShape(source, names);
}

/** A `for_each` list: samples are lists of 0, 1 and 2 items. */
export function listShape(source: string, names: ResolveNames): ConditionShape {
  const ref = rootRef(source, names);
  return ref ? { atoms: [{ ref, op: '>', literals: [1], size: true }], refs: [ref] } : conditionShape(source, names);
}
