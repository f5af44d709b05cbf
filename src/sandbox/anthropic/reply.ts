import { randomId } from '../shared/ids.ts';
import { extractPaymentDetails, mergeDetails, type PaymentLookup } from './payment-details.ts';
import { composeReceipt, hasPayment } from './receipt.ts';
import { countTokens, firstTokens, lastUserText, requestText } from './text.ts';
import { fillToolInput } from './tool-input.ts';
import { notUnderstood, smallTalkReply } from './small-talk.ts';
import { pickTool } from './tool-picker.ts';
import { pendingToolResults, summarizeToolResults } from './tool-result.ts';
import type { MessageResponse, MessagesRequest, ReplyBlock, StopReason } from './types.ts';

export interface ReplyOptions {
  lookup?: PaymentLookup;
}

/**
 * The deterministic answer to a request: a summary when the last user turn holds tool results,
 * a `tool_use` when an offered tool fits the user's words, else (in a conversation, unless asked for a
 * receipt) what it can do, else a receipt when the request holds a payment, else a plain acknowledgement.
 * Honours `stop_sequences` and `max_tokens`.
 */
export function composeReply(request: MessagesRequest, options: ReplyOptions = {}): MessageResponse {
  const results = pendingToolResults(request);
  if (results.length > 0) return textMessage(request, summarizeToolResults(request, results));
  const said = lastUserText(request);
  const chat = said ? smallTalkReply(said, request) : undefined;
  if (chat) return textMessage(request, chat);
  const tool = said ? pickTool(request.tools ?? [], said, request.tool_choice) : undefined;
  if (tool) {
    const use: ReplyBlock = {
      type: 'tool_use',
      id: randomId('toolu_01'),
      name: tool.name,
      input: fillToolInput(tool.input_schema, said),
      caller: { type: 'direct' },
    };
    const preface: ReplyBlock[] =
      request.tool_choice?.type === 'auto' || !request.tool_choice ? [textBlock('Let me look into that.')] : [];
    return message(request, [...preface, use], 'tool_use', null);
  }
  // A conversation (tools offered) gets a receipt only when asked for one now, not from payments earlier in it.
  const conversing = (request.tools ?? []).length > 0;
  if (conversing && said && !/\breceipt\b/i.test(said)) return textMessage(request, notUnderstood(said, request));
  const details = mergeDetails(extractPaymentDetails(requestText(request)), options.lookup);
  return textMessage(request, hasPayment(details) ? composeReceipt(details) : acknowledgement(said));
}

function textMessage(request: MessagesRequest, fullText: string): MessageResponse {
  let text = fullText;
  let stopReason: StopReason = 'end_turn';
  let stopSequence: string | null = null;
  const hit = (request.stop_sequences ?? [])
    .map((sequence) => ({ sequence, at: sequence ? text.indexOf(sequence) : -1 }))
    .filter(({ at }) => at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (hit) {
    text = text.slice(0, hit.at);
    stopReason = 'stop_sequence';
    stopSequence = hit.sequence;
  }
  if (countTokens(text) > request.max_tokens) {
    text = firstTokens(text, request.max_tokens);
    stopReason = 'max_tokens';
    stopSequence = null;
  }
  return message(request, [textBlock(text)], stopReason, stopSequence);
}

function message(
  request: MessagesRequest,
  content: ReplyBlock[],
  stopReason: StopReason,
  stopSequence: string | null,
): MessageResponse {
  const output = content.map((block) => (block.type === 'text' ? block.text : JSON.stringify(block.input))).join(' ');
  const input = [requestText(request), JSON.stringify(request.tools ?? [])].join(' ');
  return {
    id: randomId('msg_01'),
    type: 'message',
    role: 'assistant',
    model: request.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    container: null,
    stop_details: null,
    usage: {
      input_tokens: Math.max(1, countTokens(input)),
      output_tokens: Math.max(1, countTokens(output)),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: 'standard',
    },
  };
}

function textBlock(text: string): ReplyBlock {
  return { type: 'text', text, citations: null };
}

function acknowledgement(said: string): string {
  const quoted = said.trim().replace(/\s+/g, ' ');
  if (!quoted) return 'Hello from the Claude sandbox. Send a message and I will answer deterministically.';
  return `Sandbox reply: I received your message "${quoted.length > 200 ? `${quoted.slice(0, 199)}…` : quoted}".`;
}
