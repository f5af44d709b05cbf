import { blocksOf } from './request.ts';
import { contentText } from './text.ts';
import type { MessagesRequest, RequestBlock } from './types.ts';

/** The `tool_result` blocks of the last user message, empty when it holds none. */
export function pendingToolResults(request: MessagesRequest): RequestBlock[] {
  const last = request.messages[request.messages.length - 1];
  if (last?.role !== 'user') return [];
  return blocksOf(last.content).filter((block) => block.type === 'tool_result');
}

/** A deterministic answer to the person from tool results: what came back, never which tool was called. */
export function summarizeToolResults(_request: MessagesRequest, results: RequestBlock[]): string {
  return results.map((result) => summarizeOne(result)).join('\n\n');
}

function summarizeOne(result: RequestBlock): string {
  const text = contentText(result.content).trim();
  // A question back (which workflow? what amount?) is asked as it is.
  if (result.is_error) return text.endsWith('?') ? text : `That did not work: ${text || 'no details were given'}`;
  if (text === '') return 'Done.';
  const listed = namedItems(text);
  if (listed) return ['Here is what I found:', ...listed.slice(0, 8).map((item) => `- ${item}`)].join('\n');
  const fields = scalarFields(text);
  if (!fields) return truncate(text, 400);
  const lines = fields.slice(0, 8).map(([key, value]) => `- ${key}: ${value}`);
  return ['Here is what I found:', ...lines].join('\n');
}

/** `[{id, name}, ...]` (a list of workflows or runs) as "name (id)" lines. */
function namedItems(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const items = Array.isArray(parsed)
    ? parsed
    : Array.isArray((parsed as { workflows?: unknown })?.workflows)
      ? (parsed as { workflows: unknown[] }).workflows
      : undefined;
  if (!items || items.length === 0) return undefined;
  const named = items.map((item) => {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const id = record.id ?? record.runId;
    const name = record.name ?? record.status;
    return typeof id === 'string' ? (typeof name === 'string' ? `${name} (${id})` : id) : undefined;
  });
  return named.every((entry) => entry !== undefined) ? (named as string[]) : undefined;
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
