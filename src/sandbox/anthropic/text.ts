import { blocksOf } from './request.ts';
import type { MessagesRequest, RequestBlock } from './types.ts';

/** The readable text of some content: text blocks, tool results, tool inputs as JSON. */
export function contentText(content: string | RequestBlock[] | undefined): string {
  return blocksOf(content)
    .map((block) => {
      if (block.type === 'text') return block.text ?? '';
      if (block.type === 'tool_result') return contentText(block.content);
      if (block.type === 'tool_use') return JSON.stringify(block.input ?? {});
      return '';
    })
    .filter((text) => text.length > 0)
    .join('\n');
}

/** System prompt plus every message, in order. */
export function requestText(request: MessagesRequest): string {
  return [contentText(request.system), ...request.messages.map((message) => contentText(message.content))]
    .filter((text) => text.length > 0)
    .join('\n');
}

/** The text of the last user message's text blocks (what the user just said). */
export function lastUserText(request: MessagesRequest): string {
  const last = [...request.messages].reverse().find((message) => message.role === 'user');
  return blocksOf(last?.content)
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('\n');
}

/** Rough token count: whitespace-separated words. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}
