// The workflow functions CEL expressions may call: status(id), error_of(id), duration_of(id), attempt(), now().
import { celEnv, celFunc, CelScalar, isCelError, type CelEnv } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { ExpressionScope } from './workflow.ts';

let activeScope: ExpressionScope | undefined;

/** CEL evaluation is synchronous, so the scope the functions read can be set around one call. */
export function withScope<T>(scope: ExpressionScope, evaluate: () => T): T {
  const previous = activeScope;
  activeScope = scope;
  try {
    return evaluate();
  } finally {
    activeScope = previous;
  }
}

function stateOf(id: string) {
  const nodes = activeScope?.nodes;
  return typeof nodes === 'function' ? nodes(id) : nodes?.[id];
}

const timestampFunction = celEnv().funcs.find('timestamp');

function currentAttempt(): bigint {
  const source = activeScope?.sourceNode;
  const fromNode = source ? stateOf(source)?.attempt : undefined;
  const fromMetadata = activeScope?.metadata.attempt;
  const attempt = fromNode ?? (typeof fromMetadata === 'number' ? fromMetadata : 1);
  return BigInt(Math.trunc(attempt));
}

export const NODE_FUNCTIONS = ['status', 'error_of', 'duration_of'] as const;

const workflowFunctions = [
  celFunc('status', [CelScalar.STRING], CelScalar.STRING, (id) => stateOf(id)?.status ?? 'PENDING'),
  celFunc('error_of', [CelScalar.STRING], CelScalar.STRING, (id) => stateOf(id)?.error ?? ''),
  celFunc('duration_of', [CelScalar.STRING], CelScalar.INT, (id) => BigInt(Math.round(stateOf(id)?.durationMs ?? 0))),
  celFunc('attempt', [], CelScalar.INT, currentAttempt),
  celFunc('now', [], CelScalar.DYN, () => {
    const at = new Date(activeScope?.now ?? Date.now()).toISOString();
    const timestamp = timestampFunction?.call(0, undefined, [at]);
    if (timestamp === undefined || isCelError(timestamp)) throw new Error('now() is unavailable');
    return timestamp;
  }),
];

export const workflowEnv: CelEnv = celEnv({ funcs: [...strings, ...workflowFunctions] });

/** Names of callable functions and methods, for "did you mean" on unknown calls. */
export const functionNames: string[] = [
  ...new Set([...workflowEnv.funcs].map((func) => func.name).filter((name) => /^[a-z]/i.test(name))),
];
