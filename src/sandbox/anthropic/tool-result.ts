import { blocksOf } from './request.ts';
import { contentText } from './text.ts';
import type { MessagesRequest, RequestBlock } from './types.ts';

/** The `tool_result` blocks of the last user message, empty when it holds none. */
export function pendingToolResults(request: MessagesRequest): RequestBlock[] {
  const last = request.messages[request.messages.length - 1];
  if (last?.role !== 'user') return [];
  return blocksOf(last.content).filter((block) => block.type === 'tool_result');
}

/** A deterministic summary of tool results: what each tool returned, in a sentence or a list. */
export function summarizeToolResults(request: MessagesRequest, results: RequestBlock[]): string {
  return results.map((result) => summarizeOne(toolName(request, result.tool_use_id), result)).join('\n\n');
}

function summarizeOne(tool: string, result: RequestBlock): string {
  const text = contentText(result.content).trim();
  if (result.is_error) return `The ${tool} call failed: ${text || 'no details were given'}.`;
  if (text === '') return `The ${tool} call completed and returned nothing.`;
  const fields = scalarFields(text);
  if (!fields) return `The ${tool} call returned: ${truncate(text, 400)}`;
  const lines = fields.slice(0, 8).map(([key, value]) => `- ${key}: ${value}`);
  return [`The ${tool} call completed. Result:`, ...lines].join('\n');
}

function toolName(request: MessagesRequest, id: string | undefined): string {
  for (const message of request.messages) {
    const use = blocksOf(message.content).find((block) => block.type === 'tool_use' && block.id === id);
    if (use?.name) return use.name;
  }
  return 'tool';
}

/** Top-level scalar fields of a JSON object result, or undefined when it is not one. */
function scalarFields(text: string): Array<[string, string]> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = Object.entries(parsed).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value));
  return fields.length > 0 ? fields.map(([key, value]) => [key, String(value)]) : undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
