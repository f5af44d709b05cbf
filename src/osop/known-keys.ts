// Keys either dialect (official schemas or the published docs) defines; anything else is a warning.
import type { DiagnosticSink, DocPath } from './diagnostics.ts';
import { didYouMean } from './suggest.ts';

export const WORKFLOW_KEYS = new Set([
  'osop_version',
  'id',
  'name',
  'description',
  'owner',
  'visibility',
  'tags',
  'status',
  'usage',
  'workflow_type',
  'extends',
  'metadata',
  'schemas',
  'roles',
  'triggers',
  'variables',
  'imports',
  'env',
  'platforms',
  'conformance_level',
  'version',
  'timeout_sec',
  'nodes',
  'edges',
  'message_contracts',
  'tests',
  'views',
  'security',
  'cost',
  'observability',
  'evolution',
  'ledger',
  // docs dialect
  'inputs',
  'outputs',
  'timeout',
  'retry',
  'retry_policy',
]);

export const NODE_KEYS = new Set([
  'id',
  'name',
  'type',
  'subtype',
  'role',
  'owner',
  'purpose',
  'description',
  'cost',
  'message_contract',
  'runtime',
  'inputs',
  'outputs',
  'success_criteria',
  'failure_modes',
  'retry_policy',
  'timeout_sec',
  'idempotency',
  'handoff',
  'explain',
  'observability',
  'security',
  'approval_gate',
  'parent',
  'spawn_policy',
  'workflow_ref',
  'workflow_inputs',
  // docs dialect and sopstate
  'retry',
  'timeout',
  'max_iterations',
  'command',
]);

export const EDGE_KEYS = new Set([
  'from',
  'to',
  'mode',
  'when',
  'condition',
  'explain',
  'label',
  'spawn_count',
  'for_each',
  'iterator_var',
  'join_mode',
  'join_count',
  'cases',
  'default_to',
  'max_iterations',
]);

/** A `for_each` edge may also ask for its items to run at once (sopstate warns that they do not: normalize-edges.ts). */
export const FOR_EACH_EDGE_KEYS = new Set([...EDGE_KEYS, 'parallel', 'max_concurrency']);

/** Warns about keys outside `known`; `x-` extension keys are silent. */
export function warnUnknownKeys(
  raw: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: DocPath,
  sink: DiagnosticSink,
  what: string,
): void {
  for (const key of Object.keys(raw)) {
    if (known.has(key) || key.startsWith('x-')) continue;
    sink.warning({
      code: 'unknown-key',
      path: [...path, key],
      onKey: true,
      message: `unknown ${what} key "${key}" is ignored`,
      suggestion: didYouMean(key, known) ?? `prefix it with x- if it is an extension`,
    });
  }
}
