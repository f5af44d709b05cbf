// What nodes spend (tokens from their `ai` metadata, dollars from a model price or a declared estimate), checked
// against a node's `cost` (the node fails) and the workflow's (the run ends COST_LIMIT before another node starts).
import type { AiMetadata, RunEvent } from '../events/run-event.ts';
import type { CostBudget, Workflow, WorkflowNode } from '../osop/workflow.ts';
import { NodeError } from '../adapters/executor.ts';
import { modelPrice } from '../util/model-prices.ts';

interface Spend {
  tokens: number;
  /** Undefined when nothing gives a price (a model not in the table, no estimate). */
  usd?: number;
}

const tokensOf = (ai: AiMetadata) => ai.prompt_tokens + ai.completion_tokens;

function priceOf(ai: AiMetadata): number | undefined {
  const price = modelPrice(ai.model);
  return price
    ? (ai.prompt_tokens * price.inputPerMillion + ai.completion_tokens * price.outputPerMillion) / 1_000_000
    : undefined;
}

/** One visit's spend: tokens from `ai`; dollars from the model's price, else the node's declared estimate. */
function spendOf(node: WorkflowNode | undefined, ai: AiMetadata | undefined): Spend {
  const usd = (ai ? priceOf(ai) : undefined) ?? node?.cost?.estimatedUsd;
  return { tokens: ai ? tokensOf(ai) : 0, ...(usd !== undefined ? { usd } : {}) };
}

const dollars = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;

/** What passed which budget, or undefined: "2300 tokens, over max_tokens 2000". */
function overBudget(spent: { tokens: number; usd: number }, budget: CostBudget): string | undefined {
  if (budget.maxTokens !== undefined && spent.tokens > budget.maxTokens)
    return `${spent.tokens} tokens, over max_tokens ${budget.maxTokens}`;
  if (budget.maxUsd !== undefined && spent.usd > budget.maxUsd)
    return `${dollars(spent.usd)}, over max_usd ${dollars(budget.maxUsd)}`;
  return undefined;
}

/** A node's own budget: a visit that spent more fails with code `cost_limit` (its outputs are not kept). */
export function checkNodeBudget(node: WorkflowNode, ai: AiMetadata | undefined): void {
  if (!node.cost || (node.cost.maxTokens === undefined && node.cost.maxUsd === undefined)) return;
  const spend = spendOf(node, ai);
  const over = overBudget({ tokens: spend.tokens, usd: spend.usd ?? 0 }, node.cost);
  if (over) throw new NodeError(`${node.id} spent ${over} (its cost budget)`, { code: 'cost_limit' });
}

/** The `.osoplog` root `cost`: dollars by node (priced ones), tokens in all, and the nodes nothing priced. */
export interface CostRecord {
  total_usd: number;
  total_tokens: number;
  breakdown: Array<{ node_id: string; cost_usd: number; tokens: number }>;
  unpriced_nodes?: string[];
}

export interface CostLimitError {
  message: string;
  code: 'cost_limit';
}

/** Adds up the run's spend from its events and reports, once, when it passes the workflow's budget. */
export class CostWatch {
  readonly #budget: CostBudget | undefined;
  readonly #nodes: ReadonlyMap<string, WorkflowNode>;
  readonly #trip: (error: CostLimitError) => void;
  readonly #warn: (message: string) => void;
  readonly #unpriced = new Set<string>();
  readonly #byNode = new Map<string, { usd?: number; tokens: number }>();
  #tokens = 0;
  #usd = 0;
  #tripped = false;

  constructor(workflow: Workflow, trip: (error: CostLimitError) => void, warn: (message: string) => void) {
    this.#budget = workflow.cost;
    this.#nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
    this.#trip = trip;
    this.#warn = warn;
  }

  /** A resumed run's stored events: counted, never tripping (the run they belong to was still within budget). */
  replay(events: readonly RunEvent[]): void {
    if (this.#budget) for (const event of events) this.#count(event);
  }

  observe(event: RunEvent): void {
    if (!this.#budget || this.#tripped || !this.#count(event)) return;
    const over = overBudget({ tokens: this.#tokens, usd: this.#usd }, this.#budget);
    if (!over) return;
    this.#tripped = true;
    const node = 'node' in event ? ` after ${event.node}` : '';
    this.#trip({ message: `the run spent ${over} (the workflow's cost budget)${node}`, code: 'cost_limit' });
  }

  /** What a run with a budget spent, for the record; undefined without a budget or any spend. */
  record(): CostRecord | undefined {
    if (!this.#budget || this.#byNode.size === 0) return undefined;
    const entries = [...this.#byNode];
    const unpriced = entries.filter(([, spend]) => spend.usd === undefined).map(([node]) => node);
    return {
      total_usd: this.#usd,
      total_tokens: this.#tokens,
      breakdown: entries.map(([node, spend]) => ({ node_id: node, cost_usd: spend.usd ?? 0, tokens: spend.tokens })),
      ...(unpriced.length > 0 ? { unpriced_nodes: unpriced } : {}),
    };
  }

  /** Whether the event spent anything. */
  #count(event: RunEvent): boolean {
    // A visit that failed over its own budget still spent its tokens: node.failed carries them.
    if (event.type !== 'node.completed' && event.type !== 'node.failed') return false;
    const node = this.#nodes.get(event.node);
    if (!event.ai && (event.type === 'node.failed' || node?.cost?.estimatedUsd === undefined)) return false;
    const spend = spendOf(node, event.ai);
    const kept = this.#byNode.get(event.node) ?? { tokens: 0 };
    kept.tokens += spend.tokens;
    if (spend.usd !== undefined) kept.usd = (kept.usd ?? 0) + spend.usd;
    this.#byNode.set(event.node, kept);
    this.#tokens += spend.tokens;
    if (spend.usd !== undefined) this.#usd += spend.usd;
    else if (this.#budget?.maxUsd !== undefined && event.ai && !this.#unpriced.has(event.ai.model)) {
      this.#unpriced.add(event.ai.model);
      this.#warn(
        `${event.node} used model ${event.ai.model}, which has no price in sopstate: its dollars are not counted ` +
          `against the workflow's max_usd; give the node cost.estimated_usd`,
      );
    }
    return true;
  }
}
