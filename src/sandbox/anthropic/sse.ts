import type { MessageResponse, ReplyBlock } from './types.ts';

export interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A piece of a block's content (text or tool input) — what pacing spreads out and a stream_error counts. */
export const isContentDelta = (event: StreamEvent): boolean => event.event === 'content_block_delta';

/**
 * A message as the streaming API sends it: message_start, then per block content_block_start →
 * content_block_delta* → content_block_stop (a ping after the first start), message_delta with
 * stop_reason and usage, message_stop.
 */
export function messageEvents(message: MessageResponse, options: { textChunkChars?: number } = {}): StreamEvent[] {
  const events: StreamEvent[] = [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    }),
  ];
  message.content.forEach((block, index) => {
    events.push(event('content_block_start', { index, content_block: emptyBlock(block) }));
    if (index === 0) events.push(event('ping', {}));
    for (const delta of deltas(block, options.textChunkChars))
      events.push(event('content_block_delta', { index, delta }));
    events.push(event('content_block_stop', { index }));
  });
  events.push(
    event('message_delta', {
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens },
    }),
    event('message_stop', {}),
  );
  return events;
}

function event(type: string, fields: Record<string, unknown>): StreamEvent {
  return { event: type, data: { type, ...fields } };
}

function emptyBlock(block: ReplyBlock): Record<string, unknown> {
  return block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} };
}

function deltas(block: ReplyBlock, chars?: number): Array<Record<string, unknown>> {
  if (block.type === 'text' && chars)
    return (block.text.match(new RegExp(`[^]{1,${chars}}`, 'gu')) ?? []).map((text) => ({ type: 'text_delta', text }));
  if (block.type === 'text')
    return chunks(block.text, /(?<=\s)(?=\S)/, 3).map((text) => ({ type: 'text_delta', text }));
  return chunks(JSON.stringify(block.input), /(?<=,)/, 2).map((partial) => ({
    type: 'input_json_delta',
    partial_json: partial,
  }));
}

/** Splits text at `boundary` into pieces of `per` parts each, keeping every character. */
function chunks(text: string, boundary: RegExp, per: number): string[] {
  const parts = text.split(boundary);
  const pieces: string[] = [];
  for (let i = 0; i < parts.length; i += per) pieces.push(parts.slice(i, i + per).join(''));
  return pieces;
}
