// The end-of-run summary under a terminal run: nodes by outcome, Stripe calls, Claude tokens, duration, the record.
import { formatDuration } from '../adapters/timeout.ts';
import type { RunEvent } from '../events/run-event.ts';

const STRIPE_PATH = /\/v1\//;

export function summarizeRun(events: RunEvent[]): string {
  const ended = new Map<string, 'completed' | 'failed' | 'skipped'>();
  let stripeCalls = 0;
  let replayed = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let durationMs: number | undefined;
  let osoplog: string | undefined;
  let overBudget: string | undefined;
  for (const event of events) {
    if (event.type === 'node.completed') ended.set(event.node, 'completed');
    if (event.type === 'node.failed') ended.set(event.node, 'failed');
    // A visit that failed over its cost budget still spent its tokens.
    if ((event.type === 'node.completed' || event.type === 'node.failed') && event.ai) {
      promptTokens += event.ai.prompt_tokens;
      completionTokens += event.ai.completion_tokens;
    }
    if (event.type === 'run.failed' && event.status === 'COST_LIMIT') overBudget = event.error.message;
    if (event.type === 'node.skipped' && !ended.has(event.node)) ended.set(event.node, 'skipped');
    if (event.type === 'node.request' && STRIPE_PATH.test(event.url) && !event.url.includes('/messages')) stripeCalls++;
    if (event.type === 'node.response' && event.replayed) replayed++;
    if (event.type === 'run.completed' || event.type === 'run.failed') ({ durationMs, osoplog } = event);
  }
  const count = (outcome: string) => [...ended.values()].filter((value) => value === outcome).length;
  const lines = [
    `  nodes: ${count('completed')} completed, ${count('failed')} failed, ${count('skipped')} skipped`,
    `  Stripe calls: ${stripeCalls}${replayed ? ` (${replayed} idempotent replays)` : ''}`,
    `  Claude tokens: ${promptTokens} in, ${completionTokens} out`,
    ...(overBudget ? [`  stopped over budget: ${overBudget}`] : []),
    ...(durationMs === undefined ? [] : [`  duration: ${formatDuration(durationMs)}`]),
    ...(osoplog ? [`  record: ${osoplog}`] : []),
  ];
  return `summary\n${lines.join('\n')}\n`;
}
