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

const TOKEN = /\p{L}{1,8}|\p{N}{1,3}|\n\s*|[^\s\p{L}\p{N}]/gu;

/**
 * Rough token count, shaped like a BPE tokenizer's: a run of up to 8 letters, up to 3 digits, a line break with the
 * indentation after it, or any other visible character is one token. Counting words instead made compact JSON (a
 * node's default prompt) a handful of tokens.
 */
export function countTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/** The text up to the end of its `count`-th token (as {@link countTokens} counts them): what `max_tokens` lets out. */
export function firstTokens(text: string, count: number): string {
  let end = 0;
  let seen = 0;
  for (const token of text.matchAll(TOKEN)) {
    if (seen++ === count) break;
    end = (token.index ?? 0) + token[0].length;
  }
  return text.slice(0, end);
}
