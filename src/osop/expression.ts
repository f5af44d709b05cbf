// CEL expressions (`when`, `condition`, `for_each`, output extractors): parsed and checked once, evaluated many times.
import { isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { budgetProblem, comprehensionDepth } from './cel-budget.ts';
import { collectReferences, type CelReferences, type NameUse } from './cel-references.ts';
import { functionNames, NODE_FUNCTIONS, withScope, workflowEnv } from './cel-functions.ts';
import { fromCel, toCel } from './cel-values.ts';
import { FOREIGN_LITERALS, foreignMember, foreignOperator } from './non-cel-syntax.ts';
import { closest, didYouMean } from './suggest.ts';
import type { CompiledExpression, ExpressionScope, SourcePosition } from './workflow.ts';

const EXPRESSION_NAMESPACES = ['inputs', 'outputs', 'metadata', 'env', 'event', 'loop'] as const;
/** Names a node id may not take. */
export const RESERVED_NAMES: readonly string[] = [...EXPRESSION_NAMESPACES, 'secrets'];

export class ExpressionError extends Error {
  readonly source: string;
  readonly position?: SourcePosition;
  constructor(message: string, source: string, position?: SourcePosition) {
    super(message);
    this.name = 'ExpressionError';
    this.source = source;
    this.position = position;
  }
}

export interface ExpressionProblem {
  code: string;
  message: string;
  /** 1-based column inside the expression text. */
  col?: number;
  suggestion?: string;
}

export interface CompileOptions {
  nodeIds: string[];
  /** The node whose outputs bare names resolve against (an edge's `from`). */
  sourceNode?: string;
  /** Output name → the node declaring it; a bare name another node produces is read from that node. */
  producers?: ReadonlyMap<string, string>;
  /** Node id → the output names it declares: a bare name the source declares is read from the source. */
  declaredOutputs?: ReadonlyMap<string, readonly string[]>;
  /** Extra top-level names the expression may use (e.g. `data`, `status`, `headers` in output extractors). */
  variables?: string[];
  /** Node id → the output fields it can produce, for nodes whose set is closed; `node.field` is checked against it. */
  outputFields?: ReadonlyMap<string, readonly string[]>;
}

export interface CompileResult {
  expression?: CompiledExpression;
  error?: ExpressionProblem;
  warnings: ExpressionProblem[];
}

const SPLAT = /^(.+?)\[\*\]\.([\w.]+)\s*(==|!=|>=|<=|>|<)\s*(.+)$/;

/** `data.runs[*].conclusion == 'success'` → `data.runs.all(r, r.conclusion == 'success')`. */
export function splatSuggestion(source: string): string | undefined {
  const match = SPLAT.exec(source.trim());
  if (!match)
    return source.includes('[*]')
      ? 'CEL has no [*]; use a macro such as list.all(x, ...) or list.map(x, ...)'
      : undefined;
  const [, list, field, operator, value] = match;
  const all = `${list}.all(x, x.${field} ${operator} ${value.trim()})`;
  return `CEL has no [*]; write ${all}`;
}

interface ParseFailure {
  rawMessage?: string;
  message: string;
  location?: { start?: { column?: number } };
}

function syntaxProblem(source: string, failure: ParseFailure): ExpressionProblem {
  const foreign = foreignOperator(source);
  if (foreign) return { code: 'cel-syntax', ...foreign };
  return {
    code: 'cel-syntax',
    message: `CEL syntax error: ${failure.rawMessage ?? failure.message}`,
    col: failure.location?.start?.column,
    suggestion: splatSuggestion(source),
  };
}

function checkCalls(references: CelReferences, nodeIds: string[]): ExpressionProblem | undefined {
  for (const call of references.calls) {
    if (call.name.startsWith('_') || call.name.startsWith('@')) continue;
    if (!workflowEnv.funcs.find(call.name)) {
      return {
        code: 'cel-unknown-function',
        message: `unknown function ${call.name}()`,
        col: call.offset + 1,
        suggestion: didYouMean(call.name, functionNames),
      };
    }
    const takesNode = (NODE_FUNCTIONS as readonly string[]).includes(call.name);
    if (takesNode && call.stringArg !== undefined && !nodeIds.includes(call.stringArg)) {
      return {
        code: 'unknown-node',
        message: `${call.name}('${call.stringArg}') names no node`,
        col: call.offset + 1,
        suggestion: didYouMean(call.stringArg, nodeIds),
      };
    }
  }
  return undefined;
}

function isKnownRoot(name: string, options: CompileOptions): boolean {
  return (
    (EXPRESSION_NAMESPACES as readonly string[]).includes(name) ||
    options.nodeIds.includes(name) ||
    Boolean(options.variables?.includes(name))
  );
}

const sourceDeclares = (name: string, options: Pick<CompileOptions, 'sourceNode' | 'declaredOutputs' | 'producers'>) =>
  options.sourceNode !== undefined &&
  (options.producers?.get(name) === options.sourceNode ||
    Boolean(options.declaredOutputs?.get(options.sourceNode)?.includes(name)));

/** The node whose outputs a bare name is read from: the source node, unless another node declares that output. */
function bareNameOwner(name: string, options: CompileOptions): string | undefined {
  return sourceDeclares(name, options) ? options.sourceNode : (options.producers?.get(name) ?? options.sourceNode);
}

/** A name a node declares as an output: a bare name that reads it is that output, never a typo or unquoted text. */
const isDeclaredOutput = (name: string, options: CompileOptions): boolean =>
  sourceDeclares(name, options) || Boolean(options.producers?.has(name));

/** `node.field` or `outputs.node.field` naming a field the node cannot produce. */
function checkOutputField(use: NameUse, source: string, options: CompileOptions): ExpressionProblem | undefined {
  const viaOutputs = use.name === 'outputs';
  const [node, field] = viaOutputs ? use.path : [use.name, use.path[0]];
  const known = node === undefined || field === undefined ? undefined : options.outputFields?.get(node);
  if (!known || known.includes(field!)) return undefined;
  const written = viaOutputs ? `outputs.${node}.${field}` : `${node}.${field}`;
  // Point at the field itself when the reference is written without spaces.
  const col = source.startsWith(written, use.offset) ? use.offset + written.length - field!.length + 1 : use.offset + 1;
  return {
    code: 'unknown-output',
    message: `node ${node} declares no output "${field}"`,
    col,
    suggestion: didYouMean(field!, known) ?? `${node} produces: ${known.join(', ')}`,
  };
}

function checkName(
  use: NameUse,
  options: CompileOptions,
  warnings: ExpressionProblem[],
  source: string,
): ExpressionProblem | undefined {
  const col = use.offset + 1;
  const { nodeIds } = options;
  const fieldProblem = checkOutputField(use, source, options);
  if (fieldProblem) return fieldProblem;
  if (use.name === 'outputs' && use.path.length > 0 && !nodeIds.includes(use.path[0])) {
    return {
      code: 'unknown-node',
      message: `outputs.${use.path[0]} names no node`,
      col,
      suggestion: didYouMean(use.path[0], nodeIds),
    };
  }
  if (use.name === 'secrets') {
    return {
      code: 'secret-in-expression',
      message: 'secrets cannot be read in expressions',
      col,
      suggestion: 'compare a node output or an input instead',
    };
  }
  if (isKnownRoot(use.name, options)) return undefined;
  const declared = isDeclaredOutput(use.name, options);
  if (!declared && use.path.length === 0 && Object.hasOwn(FOREIGN_LITERALS, use.name)) {
    return {
      code: 'cel-not-cel',
      message: `${use.name} is not CEL (CEL writes ${FOREIGN_LITERALS[use.name]})`,
      col,
      suggestion: `write ${FOREIGN_LITERALS[use.name]}`,
    };
  }
  const otherKnown = use.otherRoot !== undefined && isKnownRoot(use.otherRoot, options);
  if (!declared && use.comparedTo === 'name' && use.path.length === 0 && (otherKnown || use.side === 1)) {
    return {
      code: 'cel-unquoted-word',
      message: `'${use.name}' is not a known name`,
      col,
      suggestion: `use '${use.name}' (quoted) to compare with the text`,
    };
  }
  const nearNode = closest(use.name, nodeIds);
  if (!declared && use.path.length > 0 && nearNode) {
    return {
      code: 'unknown-node',
      message: `'${use.name}' is not a node`,
      col,
      suggestion: `did you mean ${nearNode}?`,
    };
  }
  const owner = bareNameOwner(use.name, options);
  if (owner) {
    const reading = declared
      ? `'${use.name}' reads the output ${use.name} that ${owner} declares`
      : `'${use.name}' is neither a namespace nor a node; it is read from the outputs of ${owner}`;
    warnings.push({
      code: 'cel-bare-name',
      message: reading,
      col,
      suggestion: `write ${owner}.${use.name}`,
    });
    return undefined;
  }
  return {
    code: 'unknown-name',
    message: `unknown name '${use.name}'`,
    col,
    suggestion: didYouMean(use.name, [...nodeIds, ...EXPRESSION_NAMESPACES, ...(options.variables ?? [])]),
  };
}

const MAX_EXPRESSION_CHARS = 4096;
const MAX_EXPRESSION_NESTING = 48;
const MAX_EXPRESSION_OPERATORS = 400;

/** The parser and checker recurse over the syntax tree: a bound on size, nesting and operators keeps them in the stack. */
function complexityProblem(source: string): ExpressionProblem | undefined {
  const suggestion = 'split it into smaller conditions, or compute the value in a node and compare its output';
  if (source.length > MAX_EXPRESSION_CHARS) {
    return {
      code: 'cel-too-complex',
      message: `expression is ${source.length} characters; the limit is ${MAX_EXPRESSION_CHARS}`,
      col: 1,
      suggestion,
    };
  }
  let depth = 0;
  let operators = 0;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if ('([{'.includes(char) && ++depth > MAX_EXPRESSION_NESTING) {
      return {
        code: 'cel-too-complex',
        message: `expression nests brackets more than ${MAX_EXPRESSION_NESTING} deep`,
        col: index + 1,
        suggestion,
      };
    }
    if (')]}'.includes(char)) depth--;
    if ('+-*/%<>=!&|?.,'.includes(char) && ++operators > MAX_EXPRESSION_OPERATORS) {
      return {
        code: 'cel-too-complex',
        message: `expression has more than ${MAX_EXPRESSION_OPERATORS} operators`,
        col: index + 1,
        suggestion,
      };
    }
  }
  return undefined;
}

export function compileExpression(source: string, position: SourcePosition, options: CompileOptions): CompileResult {
  try {
    return compileChecked(source, position, options);
  } catch (failure) {
    if (!(failure instanceof RangeError)) throw failure;
    return {
      error: { code: 'cel-too-complex', message: 'expression is too deeply nested to check', col: 1 },
      warnings: [],
    };
  }
}

function compileChecked(source: string, position: SourcePosition, options: CompileOptions): CompileResult {
  const warnings: ExpressionProblem[] = [];
  if (source.trim() === '') return { error: { code: 'cel-syntax', message: 'empty expression', col: 1 }, warnings };
  const tooComplex = complexityProblem(source);
  if (tooComplex) return { error: tooComplex, warnings };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (failure) {
    return { error: syntaxProblem(source, failure as ParseFailure), warnings };
  }
  const references = collectReferences(parsed);
  const foreign = foreignMember(source, references);
  if (foreign) return { error: { code: 'cel-not-cel', ...foreign }, warnings };
  const callProblem = checkCalls(references, options.nodeIds);
  if (callProblem) return { error: callProblem, warnings };
  for (const use of references.names) {
    if (use.name === '__proto__' || use.name in Object.prototype) {
      return {
        error: {
          code: 'reserved-name',
          message: `'${use.name}' is a name JavaScript objects reserve`,
          col: use.offset + 1,
        },
        warnings,
      };
    }
    const problem = checkName(use, options, warnings, source);
    if (problem) return { error: problem, warnings };
  }
  const program = plan(workflowEnv, parsed);
  const depth = comprehensionDepth(source);
  const roots = [...new Set(references.names.map((use) => use.name))];
  const nodeIds = new Set(options.nodeIds);
  const variables = new Set(options.variables ?? []);

  /** The expression's bindings, and the values behind them: all it can reach, which the budget measures. */
  const bind = (scope: ExpressionScope): { bindings: Record<string, CelInput>; read: unknown[] } => {
    const bindings: Record<string, CelInput> = {};
    const read: unknown[] = [];
    const bindTo = (name: string, value: unknown) => {
      read.push(value);
      bindings[name] = toCel(value);
    };
    const sourceNode = scope.sourceNode ?? options.sourceNode;
    const outputOf = (id: string) => (scope.outputOf ? scope.outputOf(id) : scope.outputs[id]);
    for (const name of roots) {
      if ((EXPRESSION_NAMESPACES as readonly string[]).includes(name) || variables.has(name)) {
        // A namespace or a declared variable: the scope is read by name (output mappings add their own).
        const value: unknown = Reflect.get(scope, name);
        bindTo(name, value ?? (name === 'event' ? null : {}));
      } else if (nodeIds.has(name)) {
        bindTo(name, outputOf(name) ?? {});
      } else {
        const producer = options.producers?.get(name);
        const ordered = sourceDeclares(name, { ...options, sourceNode })
          ? [sourceNode, producer]
          : [producer, sourceNode];
        const owners = ordered.filter((owner): owner is string => owner !== undefined);
        const owner = owners.find((candidate) => {
          const outputs = outputOf(candidate);
          return outputs !== undefined && Object.hasOwn(outputs, name);
        });
        if (owner) bindTo(name, outputOf(owner)![name]);
      }
    }
    return { bindings, read };
  };

  const expression: CompiledExpression = {
    source,
    position,
    evaluate(scope) {
      const { bindings, read } = bind(scope);
      // Only what the expression reads: measuring the whole scope walked every node's outputs at every condition.
      const tooCostly = budgetProblem(depth, read);
      if (tooCostly) throw new ExpressionError(`will not evaluate "${source}": ${tooCostly}`, source, position);
      let result: ReturnType<typeof program>;
      try {
        result = withScope(scope, () => program(bindings));
      } catch (failure) {
        throw new ExpressionError(`cannot evaluate "${source}": ${(failure as Error).message}`, source, position);
      }
      if (isCelError(result)) {
        const unbound = roots.filter((name) => !(name in bindings));
        const detail =
          result.message === 'unresolved attribute' && unbound.length > 0
            ? `no value for ${unbound.join(', ')}`
            : result.message;
        throw new ExpressionError(`cannot evaluate "${source}": ${detail}`, source, position);
      }
      return fromCel(result);
    },
  };
  return { expression, warnings };
}

/** Evaluates a guard; anything but a boolean is an error, never a silent false. */
export function evaluateCondition(expression: CompiledExpression, scope: ExpressionScope): boolean {
  const value = expression.evaluate(scope);
  if (typeof value !== 'boolean') {
    throw new ExpressionError(
      `condition "${expression.source}" gave ${JSON.stringify(value)}, not true or false`,
      expression.source,
      expression.position,
    );
  }
  return value;
}
