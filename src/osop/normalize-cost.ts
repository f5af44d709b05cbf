// `cost` on a node and on the workflow: token and money budgets (and a node's declared price), checked at run time.
import { type Raw } from './context.ts';
import type { DiagnosticSink, DocPath } from './diagnostics.ts';
import type { CostBudget } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';
import { modelPrice } from '../util/model-prices.ts';

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
  warnUnpriced(raw, budget, at, sink);
  return Object.keys(budget).length > 0 ? budget : undefined;
}

/** A node's max_usd that nothing can count: an agent whose model has no price, with no estimate. */
function warnUnpriced(raw: Raw, budget: CostBudget, at: DocPath, sink: DiagnosticSink): void {
  if (budget.maxUsd === undefined || budget.estimatedUsd !== undefined || at.length === 1) return;
  const model = isRecord(raw.runtime) ? raw.runtime.model : undefined;
  if (raw.type === 'agent' && typeof model === 'string' && !model.includes('${') && modelPrice(model)) return;
  sink.warning({
    code: 'unpriced-cost',
    path: at,
    message: `max_usd cannot be counted here: ${raw.type === 'agent' ? `sopstate has no price for model ${String(model)}` : `a ${String(raw.type)} node has no price`}`,
    suggestion: 'add cost.estimated_usd (what one visit costs), or budget it with max_tokens',
  });
}
