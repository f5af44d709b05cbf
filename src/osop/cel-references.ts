// Walks a parsed CEL AST and lists the free names and function calls it uses, for load-time checks.
import { parse } from '@bufbuild/cel';

type ParsedCel = ReturnType<typeof parse>;
type Expr = ParsedCel['expr'];

export interface NameUse {
  name: string;
  /** Field selections after the name: `a.b.c` → ['b', 'c']. */
  path: string[];
  /** Offset in the expression source. */
  offset: number;
  /** Set when the bare name is one side of `==` / `!=`: what the other side is. */
  comparedTo?: 'name' | 'literal' | 'other';
  /** 0 = left side of the comparison, 1 = right side. */
  side?: number;
  /** When the other side is a name: its root identifier. */
  otherRoot?: string;
}

interface CallUse {
  name: string;
  isMethod: boolean;
  /** The first argument when it is a string literal (`status('deploy')`). */
  stringArg?: string;
  /** Offset of the name (a function) or of the `.` before it (a method). */
  offset: number;
  /** A method's receiver: where its text starts. */
  targetStart?: number;
}

/** A field selection `operand.field` (what `errors.length` is to CEL). */
interface FieldSelect {
  field: string;
  /** Offset of the `.` in the expression source. */
  offset: number;
  /** Offset where the operand's text starts (its leftmost sub-expression). */
  operandStart: number;
}

export interface CelReferences {
  names: NameUse[];
  calls: CallUse[];
  selects: FieldSelect[];
}

const COMPARISONS = new Set(['_==_', '_!=_']);

export function collectReferences(parsed: ParsedCel): CelReferences {
  const positions = parsed.sourceInfo?.positions ?? {};
  const offsetOf = (expr: Expr): number => positions[String(expr.id)] ?? 0;
  const result: CelReferences = { names: [], calls: [], selects: [] };

  const leftmost = (expr: Expr | undefined): number => {
    if (!expr) return Infinity;
    const kind = expr.exprKind;
    const own = positions[String(expr.id)] ?? Infinity;
    if (kind.case === 'selectExpr') return Math.min(own, leftmost(kind.value.operand));
    if (kind.case === 'callExpr')
      return Math.min(own, leftmost(kind.value.target), ...kind.value.args.map((arg) => leftmost(arg)));
    // A macro such as list.filter(x, ...) is a comprehension over its receiver.
    if (kind.case === 'comprehensionExpr') return Math.min(own, leftmost(kind.value.iterRange));
    return own;
  };

  const recordSelects = (expr: Expr): void => {
    for (let current = expr; current.exprKind.case === 'selectExpr' && current.exprKind.value.operand;) {
      const { operand, field, testOnly } = current.exprKind.value;
      if (!testOnly) result.selects.push({ field, offset: offsetOf(current), operandStart: leftmost(operand) });
      current = operand;
    }
  };

  const selectChain = (expr: Expr): { root: Expr; path: string[] } => {
    const path: string[] = [];
    let current = expr;
    while (current.exprKind.case === 'selectExpr' && current.exprKind.value.operand) {
      path.unshift(current.exprKind.value.field);
      current = current.exprKind.value.operand;
    }
    return { root: current, path };
  };

  const kindOf = (expr: Expr): NameUse['comparedTo'] => {
    const { root } = selectChain(expr);
    if (root.exprKind.case === 'identExpr') return 'name';
    if (root.exprKind.case === 'constExpr') return 'literal';
    return 'other';
  };

  const rootName = (expr: Expr): string | undefined => {
    const { root } = selectChain(expr);
    return root.exprKind.case === 'identExpr' ? root.exprKind.value.name : undefined;
  };

  const walk = (
    expr: Expr | undefined,
    bound: ReadonlySet<string>,
    comparison?: Pick<NameUse, 'comparedTo' | 'side' | 'otherRoot'>,
  ): void => {
    if (!expr) return;
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr':
        if (!bound.has(kind.value.name))
          result.names.push({ name: kind.value.name, path: [], offset: offsetOf(expr), ...comparison });
        return;
      case 'selectExpr': {
        recordSelects(expr);
        const { root, path } = selectChain(expr);
        if (root.exprKind.case === 'identExpr') {
          if (!bound.has(root.exprKind.value.name)) {
            result.names.push({ name: root.exprKind.value.name, path, offset: offsetOf(root), ...comparison });
          }
        } else walk(root, bound);
        return;
      }
      case 'callExpr': {
        const call = kind.value;
        const first = call.args[0]?.exprKind;
        result.calls.push({
          name: call.function,
          isMethod: call.target !== undefined,
          stringArg:
            first?.case === 'constExpr' && first.value.constantKind.case === 'stringValue'
              ? first.value.constantKind.value
              : undefined,
          offset: offsetOf(expr),
          ...(call.target ? { targetStart: leftmost(call.target) } : {}),
        });
        walk(call.target, bound);
        const compared = COMPARISONS.has(call.function) && call.args.length === 2;
        call.args.forEach((arg, index) => {
          const other = call.args[1 - index];
          walk(
            arg,
            bound,
            compared && other ? { comparedTo: kindOf(other), side: index, otherRoot: rootName(other) } : undefined,
          );
        });
        return;
      }
      case 'listExpr':
        for (const element of kind.value.elements) walk(element, bound);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, bound);
          walk(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const loop = kind.value;
        walk(loop.iterRange, bound);
        walk(loop.accuInit, bound);
        const inner = new Set([...bound, loop.iterVar, loop.iterVar2, loop.accuVar].filter(Boolean));
        walk(loop.loopCondition, inner);
        walk(loop.loopStep, inner);
        walk(loop.result, inner);
        return;
      }
      default:
        return;
    }
  };

  walk(parsed.expr, new Set());
  return result;
}
