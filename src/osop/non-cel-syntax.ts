// Syntax from other expression languages (JavaScript, Python, SQL) that authors write in OSOP conditions: each gets
// a located error with the CEL form, instead of a bare parser message or a silent misreading.
import type { CelReferences } from './cel-references.ts';

export interface ForeignSyntax {
  /** 1-based column of what is not CEL. */
  col: number;
  message: string;
  suggestion: string;
}

interface ForeignOperator {
  pattern: RegExp;
  cel: string;
  /** A word (`AND`) is an operator only at a word start; a symbol only where it does not end a CEL operator. */
  word: boolean;
}

const OPERATORS: readonly ForeignOperator[] = [
  { pattern: /^===/, cel: '==', word: false },
  { pattern: /^!==/, cel: '!=', word: false },
  { pattern: /^<>/, cel: '!=', word: false },
  { pattern: /^(?:AND|and)\b/, cel: '&&', word: true },
  { pattern: /^(?:OR|or)\b/, cel: '||', word: true },
  { pattern: /^(?:NOT|not)\b\s*/, cel: '!', word: true },
  { pattern: /^&(?!&)/, cel: '&&', word: false },
  { pattern: /^\|(?!\|)/, cel: '||', word: false },
  { pattern: /^=(?!=)/, cel: '==', word: false },
];

/** Literals of other languages → CEL's. */
export const FOREIGN_LITERALS: Readonly<Record<string, string>> = {
  True: 'true',
  False: 'false',
  TRUE: 'true',
  FALSE: 'false',
  None: 'null',
  NULL: 'null',
  nil: 'null',
  undefined: 'null',
};

const quoteEnd = (source: string, start: number): number => {
  const quote = source[start];
  for (let index = start + 1; index < source.length; index++) {
    if (source[index] === '\\') index++;
    else if (source[index] === quote) return index;
  }
  return source.length;
};

/** An operator of another language at `index`, unless it is part of a CEL operator or of a name. */
function operatorAt(source: string, index: number): { found: string; cel: string } | undefined {
  const before = source[index - 1] ?? ' ';
  const rest = source.slice(index);
  for (const operator of OPERATORS) {
    const allowed = operator.word ? !/[\w.]/.test(before) : !/[=!<>&|]/.test(before);
    const match = allowed ? operator.pattern.exec(rest) : null;
    if (match) return { found: match[0], cel: operator.cel };
  }
  return undefined;
}

/**
 * The first operator of another language in `source` (which CEL failed to parse), with the expression rewritten
 * in CEL.
 */
export function foreignOperator(source: string): ForeignSyntax | undefined {
  let first: { col: number; found: string; cel: string } | undefined;
  let rewritten = '';
  for (let index = 0; index < source.length;) {
    if (source[index] === "'" || source[index] === '"') {
      const end = quoteEnd(source, index);
      rewritten += source.slice(index, end + 1);
      index = end + 1;
      continue;
    }
    const operator = operatorAt(source, index);
    if (!operator) {
      rewritten += source[index++];
      continue;
    }
    first ??= { col: index + 1, found: operator.found.trim(), cel: operator.cel };
    rewritten += operator.cel;
    index += operator.found.length;
  }
  if (!first) return undefined;
  const { col, found, cel } = first;
  const hint = /\bnot\s+in\b/i.test(source)
    ? `"a not in b" is !(a in b)`
    : `write ${rewritten.replace(/\s+/g, ' ').trim()}`;
  return { col, message: `"${found}" is not CEL (CEL writes ${cel})`, suggestion: hint };
}

/** The operand text before a `.`, with an opening parenthesis the AST positions leave out. */
function operandText(source: string, start: number, end: number): string {
  const text = source.slice(start, end).trim();
  const unbalanced = (text.match(/\)/g) ?? []).length > (text.match(/\(/g) ?? []).length;
  return unbalanced && source[start - 1] === '(' ? `(${text}` : text;
}

const replaced = (source: string, start: number, end: number, text: string) =>
  `${source.slice(0, start)}${text}${source.slice(end)}`;

/** In a parsed expression: `x.length`, `len(x)`, `x.includes(y)`, which CEL reads differently or not at all. */
export function foreignMember(source: string, references: CelReferences): ForeignSyntax | undefined {
  for (const select of references.selects) {
    if (select.field !== 'length') continue;
    const operand = operandText(source, select.operandStart, select.offset);
    const start = source.lastIndexOf(operand, select.offset);
    const end = select.offset + '.length'.length;
    return {
      col: select.offset + 2,
      message: `.length is not CEL (CEL writes size(${operand}))`,
      suggestion: `write ${replaced(source, start, end, `size(${operand})`)}; a field named length is ${operand}['length']`,
    };
  }
  for (const call of references.calls) {
    const col = call.offset + (call.isMethod ? 2 : 1);
    if (!call.isMethod && (call.name === 'not' || call.name === 'NOT')) {
      const end = call.offset + call.name.length;
      const rewritten = replaced(source, call.offset, end + /^\s*/.exec(source.slice(end))![0].length, '!');
      return { col, message: `${call.name} is not CEL (CEL writes !)`, suggestion: `write ${rewritten}` };
    }
    if (!call.isMethod && (call.name === 'len' || call.name === 'length' || call.name === 'count')) {
      const rewritten = replaced(source, call.offset, call.offset + call.name.length, 'size');
      return { col, message: `${call.name}() is not CEL (CEL writes size())`, suggestion: `write ${rewritten}` };
    }
    if (call.isMethod && call.targetStart !== undefined) {
      const target = operandText(source, call.targetStart, call.offset);
      const start = source.lastIndexOf(target, call.offset);
      if (call.name === 'length' || call.name === 'count') {
        const close = source.indexOf(')', call.offset);
        const rewritten = replaced(source, start, close + 1, `size(${target})`);
        return {
          col,
          message: `.${call.name}() is not CEL (CEL writes size(${target}))`,
          suggestion: `write ${rewritten}`,
        };
      }
      if (call.name === 'includes' || call.name === 'indexOf') {
        const rewritten = replaced(source, call.offset, call.offset + call.name.length + 1, '.contains');
        return {
          col,
          message: `.${call.name}() is not CEL (CEL writes .contains())`,
          suggestion: `write ${rewritten}`,
        };
      }
    }
  }
  return undefined;
}
