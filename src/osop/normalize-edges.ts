// One `edges[i]` entry → WorkflowEdge: endpoints checked, `when`/`condition` unified and compiled.
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { compileExpression } from './expression.ts';
import { failedOutputsRead, keepsOutputsOnFailure } from './failed-outputs.ts';
import { EDGE_KEYS, FOR_EACH_EDGE_KEYS, warnUnknownKeys } from './known-keys.ts';
import { didYouMean } from './suggest.ts';
import { eventOfEdge, spawnCountOf } from './normalize-event-edge.ts';
import type { CompiledExpression, EdgeMode, SwitchCase, WorkflowEdge } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const EDGE_MODES: EdgeMode[] = [
  'sequential',
  'conditional',
  'parallel',
  'switch',
  'loop',
  'event',
  'spawn',
  'fallback',
  'error',
  'timeout',
  'dataflow',
  'message',
];
/** What editors write as the else branch of conditional edges. */
const ELSE_WORDS = ['otherwise', 'else', 'default'];
const isElseWord = (value: unknown) => typeof value === 'string' && ELSE_WORDS.includes(value.trim().toLowerCase());
/** Keys that steer control flow, which a data-only edge does not have. */
const CONTROL_KEYS = ['when', 'condition', 'for_each', 'cases', 'default_to', 'join_mode', 'join_count'];
const JOIN_MODES = ['wait_all', 'wait_any', 'wait_n'] as const;
type JoinMode = (typeof JOIN_MODES)[number];

// Node ids as a set, per workflow's id list: an edge's ends are looked up in constant time.
const idSets = new WeakMap<readonly string[], Set<string>>();
const idSet = (ids: readonly string[]): Set<string> => {
  let set = idSets.get(ids);
  if (!set) idSets.set(ids, (set = new Set(ids)));
  return set;
};

function nodeRef(value: unknown, path: DocPath, context: NormalizeContext): string | undefined {
  if (typeof value !== 'string' || value === '') {
    context.sink.error({ code: 'missing-field', path, message: `${String(path[path.length - 1])} must name a node` });
    return undefined;
  }
  if (!idSet(context.nodeIds).has(value)) {
    context.sink.error({
      code: 'unknown-node',
      path,
      message: `no node has id "${value}"`,
      suggestion: didYouMean(value, context.nodeIds) ?? `known nodes: ${context.nodeIds.join(', ')}`,
    });
    return undefined;
  }
  return value;
}

function compile(
  source: unknown,
  path: DocPath,
  from: string | undefined,
  context: NormalizeContext,
): CompiledExpression | undefined {
  if (typeof source === 'boolean') source = String(source);
  if (typeof source !== 'string') {
    context.sink.error({ code: 'invalid-expression', path, message: 'an expression must be a string' });
    return undefined;
  }
  const position = context.source.locate(path);
  const { expression, error, warnings } = compileExpression(source, position, {
    nodeIds: context.nodeIds,
    sourceNode: from,
    producers: context.producers,
    declaredOutputs: context.declaredOutputs,
    outputFields: context.outputFields,
  });
  const at = (col?: number) => (col ? context.source.locateInString(path, col) : position);
  for (const warning of warnings)
    context.sink.warning({
      code: warning.code,
      path,
      message: warning.message,
      suggestion: warning.suggestion,
      at: at(warning.col),
    });
  if (error)
    context.sink.error({
      code: error.code,
      path,
      message: `${error.message} in "${source.length > 80 ? `${source.slice(0, 79)}…` : source}"`,
      suggestion: error.suggestion,
      at: at(error.col),
    });
  return expression;
}

function conditionOf(
  raw: Raw,
  path: DocPath,
  from: string | undefined,
  context: NormalizeContext,
): CompiledExpression | undefined {
  const hasWhen = raw.when !== undefined && raw.when !== null;
  const hasCondition = raw.condition !== undefined && raw.condition !== null;
  if (hasWhen && hasCondition && String(raw.when).trim() !== String(raw.condition).trim()) {
    context.sink.error({
      code: 'when-condition-conflict',
      path: [...path, 'condition'],
      message: `when ("${String(raw.when)}") and condition ("${String(raw.condition)}") differ`,
      suggestion: 'condition is an alias of when: keep one',
    });
    return undefined;
  }
  if (hasWhen) return compile(raw.when, [...path, 'when'], from, context);
  if (hasCondition) return compile(raw.condition, [...path, 'condition'], from, context);
  return undefined;
}

function casesOf(raw: Raw, path: DocPath, context: NormalizeContext): SwitchCase[] | undefined {
  if (raw.cases === undefined) return undefined;
  if (!Array.isArray(raw.cases)) {
    context.sink.error({
      code: 'invalid-cases',
      path: [...path, 'cases'],
      message: 'cases must be a list of {value, to}',
    });
    return undefined;
  }
  return raw.cases.flatMap((entry, index) => {
    const casePath = [...path, 'cases', index];
    if (!isRecord(entry)) {
      context.sink.error({ code: 'invalid-cases', path: casePath, message: 'a case is {value, to}' });
      return [];
    }
    const to = nodeRef(entry.to, [...casePath, 'to'], context);
    return to ? [{ value: entry.value, to }] : [];
  });
}

function joinOf(raw: Raw, path: DocPath, context: NormalizeContext): Pick<WorkflowEdge, 'joinMode' | 'joinCount'> {
  const result: Pick<WorkflowEdge, 'joinMode' | 'joinCount'> = {};
  if (raw.join_mode !== undefined) {
    if ((JOIN_MODES as readonly unknown[]).includes(raw.join_mode)) result.joinMode = raw.join_mode as JoinMode;
    else
      context.sink.error({
        code: 'invalid-join',
        path: [...path, 'join_mode'],
        message: `unknown join_mode ${JSON.stringify(raw.join_mode)}`,
        suggestion: didYouMean(String(raw.join_mode), JOIN_MODES) ?? `use ${JOIN_MODES.join(', ')}`,
      });
  }
  if (raw.join_count !== undefined) {
    if (typeof raw.join_count === 'number' && Number.isInteger(raw.join_count) && raw.join_count >= 1)
      result.joinCount = raw.join_count;
    else
      context.sink.error({
        code: 'invalid-join',
        path: [...path, 'join_count'],
        message: 'join_count must be a whole number ≥ 1',
      });
  }
  if (result.joinMode === 'wait_n' && result.joinCount === undefined) {
    context.sink.error({
      code: 'invalid-join',
      path: [...path, 'join_mode'],
      message: 'join_mode wait_n needs join_count',
    });
  }
  return result;
}

function modeOf(raw: Raw, path: DocPath, context: NormalizeContext): EdgeMode | undefined {
  if (raw.mode === undefined || raw.mode === null) return 'sequential';
  if ((EDGE_MODES as unknown[]).includes(raw.mode)) return raw.mode as EdgeMode;
  context.sink.error({
    code: 'invalid-mode',
    path: [...path, 'mode'],
    message: `unknown edge mode ${JSON.stringify(raw.mode)}`,
    suggestion: didYouMean(String(raw.mode), EDGE_MODES) ?? `use one of ${EDGE_MODES.join(', ')}`,
  });
  return undefined;
}

/** A `dataflow` / `message` edge: kept for drawing, with no control flow, so its control keys are ignored (said once per edge). */
function dataEdge(raw: Raw, path: DocPath, from: string, to: string, mode: EdgeMode, context: NormalizeContext) {
  const ignored = CONTROL_KEYS.filter((key) => raw[key] !== undefined);
  if (ignored.length > 0)
    context.sink.warning({
      code: 'data-edge-control',
      path: [...path, ignored[0]],
      onKey: true,
      message: `a ${mode} edge carries data only; ${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored`,
      suggestion: 'put the condition on the control edge between the same nodes',
    });
  return {
    index: path[1] as number,
    from,
    to,
    mode,
    ...(typeof raw.label === 'string' ? { label: raw.label } : {}),
    position: context.source.locate(path),
  };
}

/** `when: otherwise` on a conditional (or sequential) edge: the else branch; on any other mode, a located error. */
function elseBranch(raw: Raw, path: DocPath, mode: EdgeMode | undefined, context: NormalizeContext): boolean {
  const key = isElseWord(raw.when) ? 'when' : isElseWord(raw.condition) ? 'condition' : undefined;
  if (!key) return false;
  const other = key === 'when' ? raw.condition : raw.when;
  if (other !== undefined && other !== null && !isElseWord(other)) return false;
  if (mode === 'conditional' || mode === 'sequential') return true;
  context.sink.error({
    code: 'invalid-otherwise',
    path: [...path, key],
    message: `"${String(raw[key])}" is the else branch of conditional edges, not a condition a ${mode} edge can take`,
    suggestion: 'use mode: conditional for the else branch, or write a CEL condition',
  });
  return true;
}

/** Items a `parallel: true` for_each runs at once when it gives no `max_concurrency` (docs/semantics.md "for_each"). */
const DEFAULT_FOR_EACH_CONCURRENCY = 4;

const ownOrX = (raw: Raw, key: string): unknown => raw[key] ?? raw[`x-${key}`];

/**
 * How many items of a `for_each` run their body at once: `parallel: true` asks for `max_concurrency` (default
 * DEFAULT_FOR_EACH_CONCURRENCY), `max_concurrency` alone for as many; 1 (or `parallel: false`) is one after another.
 */
function concurrencyOf(raw: Raw, path: DocPath, context: NormalizeContext): number | undefined {
  const parallel = ownOrX(raw, 'parallel');
  const max = ownOrX(raw, 'max_concurrency');
  const maxKey = raw.max_concurrency !== undefined ? 'max_concurrency' : 'x-max_concurrency';
  if (parallel !== undefined && typeof parallel !== 'boolean') {
    const key = raw.parallel !== undefined ? 'parallel' : 'x-parallel';
    context.sink.error({
      code: 'invalid-parallel',
      path: [...path, key],
      message: `${key} must be true or false, not ${JSON.stringify(parallel)}`,
      suggestion: 'write parallel: true to run the items at once, or remove it',
    });
    return undefined;
  }
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) {
    context.sink.error({
      code: 'invalid-max-concurrency',
      path: [...path, maxKey],
      message: `${maxKey} must be a whole number of at least 1, not ${JSON.stringify(max)}`,
      suggestion: 'write e.g. max_concurrency: 4, the most items whose body runs at once',
    });
    return undefined;
  }
  if (parallel === false) {
    if (max !== undefined && max !== 1)
      context.sink.warning({
        code: 'for-each-sequential',
        path: [...path, maxKey],
        onKey: true,
        message: `${maxKey} is ignored: parallel: false runs the items of this for_each one after another`,
        suggestion: 'remove it, or write parallel: true to run that many items at once',
      });
    return undefined;
  }
  const count = typeof max === 'number' ? max : parallel === true ? DEFAULT_FOR_EACH_CONCURRENCY : 1;
  return count > 1 ? count : undefined;
}

export function normalizeEdge(raw: unknown, index: number, context: NormalizeContext): WorkflowEdge | undefined {
  const path: DocPath = ['edges', index];
  if (!isRecord(raw)) {
    context.sink.error({ code: 'invalid-edge', path, message: 'an edge must be a mapping with from and to' });
    return undefined;
  }
  warnUnknownKeys(raw, raw.for_each === undefined ? EDGE_KEYS : FOR_EACH_EDGE_KEYS, path, context.sink, 'edge');
  const concurrency = raw.for_each === undefined ? undefined : concurrencyOf(raw, path, context);
  const from = nodeRef(raw.from, raw.from === undefined ? path : [...path, 'from'], context);
  const to = nodeRef(raw.to, raw.to === undefined ? path : [...path, 'to'], context);
  const mode = modeOf(raw, path, context);
  if (mode === 'dataflow' || mode === 'message')
    return from && to ? dataEdge(raw, path, from, to, mode, context) : undefined;
  const otherwise = elseBranch(raw, path, mode, context);
  const when = otherwise ? undefined : conditionOf(raw, path, from, context);
  if (mode === 'loop' && raw.when === undefined && raw.condition === undefined && raw.for_each === undefined) {
    context.sink.error({
      code: 'missing-condition',
      path: [...path, 'mode'],
      message: 'a loop edge needs when (the condition to go round again) or for_each',
      suggestion: `add when: "<CEL condition that holds while ${from ?? 'the loop'} should run again>"`,
    });
  }
  if (mode === 'conditional' && raw.when === undefined && raw.condition === undefined) {
    context.sink.error({
      code: 'missing-condition',
      path,
      message: 'a conditional edge needs when (or condition)',
      suggestion: 'add when: "<CEL expression>" or use mode: sequential',
    });
  }
  const fromType = from ? context.nodeTypes?.get(from) : undefined;
  if (mode === 'error' && when && from && !keepsOutputsOnFailure(fromType)) {
    const read = failedOutputsRead(when.source, from, context.declaredOutputs?.get(from) ?? []);
    if (read.length > 0)
      context.sink.warning({
        code: 'failed-node-outputs',
        path: [...path, raw.when !== undefined ? 'when' : 'condition'],
        message: `this error edge reads ${read.join(', ')}, but a failed ${fromType ? `${fromType} node ${from}` : from} has no outputs (only api and cli nodes keep theirs): the condition cannot hold when ${from} fails`,
        suggestion: `test the failure instead, e.g. error_of('${from}').contains('...') or status('${from}') == 'FAILED'`,
      });
  }
  const forEach = raw.for_each === undefined ? undefined : compile(raw.for_each, [...path, 'for_each'], from, context);
  const cases = casesOf(raw, path, context);
  const defaultTo =
    raw.default_to === undefined ? undefined : nodeRef(raw.default_to, [...path, 'default_to'], context);
  const event = eventOfEdge(raw, path, mode, to, context);
  const spawnCount = spawnCountOf(raw, path, mode, context);
  if (!from || !to || !mode) return undefined;
  const optional = <K extends keyof WorkflowEdge>(key: K, value: WorkflowEdge[K] | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    index,
    from,
    to,
    mode,
    ...optional('when', when),
    ...optional('otherwise', otherwise ? true : undefined),
    ...optional('cases', cases),
    ...optional('defaultTo', defaultTo),
    ...joinOf(raw, path, context),
    ...optional('forEach', forEach),
    ...optional(
      'iteratorVar',
      forEach ? (typeof raw.iterator_var === 'string' ? raw.iterator_var : 'item') : undefined,
    ),
    ...optional('forEachConcurrency', forEach ? concurrency : undefined),
    ...optional('label', typeof raw.label === 'string' ? raw.label : undefined),
    ...optional('event', event),
    ...optional('spawnCount', spawnCount),
    position: context.source.locate(path),
  };
}
