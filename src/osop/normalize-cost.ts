// `cost` on a node and on the workflow: token and money budgets (and a node's declared price), checked at run time.
import { type Raw } from './context.ts';
import type { DiagnosticSink, DocPath } from './diagnostics.ts';
import type { CostBudget } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

/** Each budget field and the spellings published files use for it. */
const FIELDS: ReadonlyArray<[keyof CostBudget, readonly string[]]> = [
  ['maxTokens', ['max_tokens', 'max_tokens_total', 'token_budget']],
  ['maxUsd', ['max_usd', 'budget_usd', 'max_cost_usd']],
  ['estimatedUsd', ['estimated_usd', 'estimated_cost_usd', 'cost_usd']],
];

/** Undefined when there is no `cost`, or one that sets no budget (its other keys are descriptive). */
export function normalizeCost(raw: Raw, path: DocPath, sink: DiagnosticSink): CostBudget | undefined {
  const cost = raw.cost;
  const at = [...path, 'cost'];
  if (cost === undefined || cost === null) return undefined;
  if (!isRecord(cost)) {
    sink.error({ code: 'invalid-cost', path: at, message: 'cost must be a mapping such as {max_tokens: 20000}' });
    return undefined;
  }
  const budget: CostBudget = {};
  for (const [field, keys] of FIELDS) {
    const key = keys.find((name) => cost[name] !== undefined);
    if (!key) continue;
    const value = cost[key];
    if (field === 'estimatedUsd' && path.length === 0) {
      sink.error({
        code: 'invalid-cost',
        path: [...at, key],
        message: `${key} belongs on a node: it is what one visit of that node costs`,
        suggestion: 'move it to the node, or write max_usd for the run’s budget',
      });
      continue;
    }
    const whole = field === 'maxTokens';
    const ok = typeof value === 'number' && Number.isFinite(value) && (whole ? Number.isInteger(value) : true);
    if (ok && (field === 'estimatedUsd' ? value >= 0 : value > 0)) budget[field] = value;
    else
      sink.error({
        code: 'invalid-cost',
        path: [...at, key],
        message: `${key} must be ${whole ? 'a whole number of tokens' : 'an amount in US dollars'} ${field === 'estimatedUsd' ? '≥ 0' : '> 0'}`,
        suggestion: whole ? `${key}: 20000` : `${key}: 0.5`,
      });
  }
  return Object.keys(budget).length > 0 ? budget : undefined;
}
