// Node outputs: compiling extractors at load, and extracting values from a response envelope at run time.
import { JSONPath } from 'jsonpath-plus';
import { compileExpression, ExpressionError, splatSuggestion, type ExpressionProblem } from './expression.ts';
import type { OutputExtractor, OutputSpec, SourcePosition } from './workflow.ts';

export interface ResponseEnvelope {
  data: unknown;
  status: number;
  headers: Record<string, string>;
}

const ENVELOPE_NAMES = ['data', 'status', 'headers'];

export class OutputError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.name = 'OutputError';
    this.output = output;
  }
}

/** A mapping value: `$...` is JSONPath over the envelope, anything else a CEL expression over it. */
export function compileExtractor(
  source: string,
  position: SourcePosition,
  nodeIds: string[],
): { extract?: OutputExtractor; error?: ExpressionProblem } {
  if (source.trim().startsWith('$')) {
    const path = source.trim();
    if (path.includes('${'))
      return {
        error: {
          code: 'output-mapping',
          message: `"${path}" is an interpolation, not a JSONPath`,
          col: 1,
          suggestion: 'write a JSONPath such as $.data.id or a CEL expression such as data.id',
        },
      };
    return { extract: { kind: 'jsonpath', path } };
  }
  const { expression, error } = compileExpression(source, position, { nodeIds, variables: ENVELOPE_NAMES });
  if (error || !expression) {
    if (!error) return { error: { code: 'output-mapping', message: `cannot compile "${source}"` } };
    const suggestion = splatSuggestion(source) ?? error.suggestion;
    return { error: { ...error, code: error.code === 'cel-syntax' ? 'output-mapping' : error.code, suggestion } };
  }
  return { extract: { kind: 'cel', expression } };
}

function extractOne(spec: OutputSpec & { extract: OutputExtractor }, envelope: ResponseEnvelope): unknown {
  const { extract } = spec;
  if (extract.kind === 'jsonpath') {
    const value: unknown = JSONPath({ path: extract.path, json: envelope, wrap: false });
    if (value === undefined)
      throw new OutputError(`output ${spec.name}: ${extract.path} matched nothing in the response`, spec.name);
    return value;
  }
  const scope = { inputs: {}, outputs: {}, metadata: {}, env: {}, nodes: {}, ...envelope };
  try {
    return extract.expression.evaluate(scope);
  } catch (failure) {
    const why = failure instanceof ExpressionError ? failure.message : String(failure);
    throw new OutputError(`output ${spec.name}: ${why}`, spec.name);
  }
}

/** Values of every output that has an extractor; declaration-only outputs are left to the caller. */
export function extractOutputs(specs: OutputSpec[], envelope: ResponseEnvelope): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.extract) outputs[spec.name] = extractOne(spec as OutputSpec & { extract: OutputExtractor }, envelope);
  }
  return outputs;
}

/** Like extractOutputs, but an output whose extractor does not match is left out: a failed node's answer has another shape. */
export function extractMatchingOutputs(specs: OutputSpec[], envelope: ResponseEnvelope): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const spec of specs) {
    if (!spec.extract) continue;
    try {
      outputs[spec.name] = extractOne(spec as OutputSpec & { extract: OutputExtractor }, envelope);
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
    }
  }
  return outputs;
}
