import type { ToolChoice, ToolDefinition } from './types.ts';
import { contentWords } from './words.ts';

/**
 * The offered tool whose name (weight 2) and description share the most words with the user's
 * text; ties go to the first offered. `auto` needs at least one shared word, `any` always picks,
 * `tool` forces the named one, `none` never picks.
 */
export function pickTool(
  tools: ToolDefinition[],
  userText: string,
  choice: ToolChoice = { type: 'auto' },
): ToolDefinition | undefined {
  if (tools.length === 0 || choice.type === 'none') return undefined;
  if (choice.type === 'tool') return tools.find((tool) => tool.name === choice.name);
  const said = new Set(contentWords(userText));
  let best: { tool: ToolDefinition; score: number } | undefined;
  for (const tool of tools) {
    const score = 2 * overlap(contentWords(tool.name), said) + overlap(contentWords(tool.description ?? ''), said);
    if (!best || score > best.score) best = { tool, score };
  }
  if (!best) return undefined;
  return best.score > 0 || choice.type === 'any' ? best.tool : undefined;
}

function overlap(words: string[], said: Set<string>): number {
  return new Set(words.filter((word) => said.has(word))).size;
}
