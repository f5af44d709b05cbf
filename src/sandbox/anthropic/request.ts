import { isRecord } from '../../util/is-record.ts';
import { invalidRequest } from './errors.ts';
import type { MessagesRequest, RequestBlock } from './types.ts';

/** Checks the body the way the API does and answers its `field: problem` messages. */
export function parseMessagesRequest(body: unknown): MessagesRequest {
  checkRequest(body);
  checkToolResults(body);
  return body;
}

/** The checks of the request's own fields (each message's and tool's included). */
function checkRequest(body: unknown): asserts body is MessagesRequest {
  if (!isRecord(body)) throw invalidRequest('body: expected a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('model: Field required');
  if (body.max_tokens === undefined) throw invalidRequest('max_tokens: Field required');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    throw invalidRequest('max_tokens: Input should be an integer greater than or equal to 1');
  }
  if (!Array.isArray(body.messages)) throw invalidRequest('messages: Field required');
  if (body.messages.length === 0) throw invalidRequest('messages: at least one message is required');
  body.messages.forEach((message, index) => checkMessage(message, `messages.${index}`));
  if (body.tools !== undefined) checkTools(body.tools);
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    throw invalidRequest('stream: Input should be a valid boolean');
}

function checkMessage(message: unknown, at: string): void {
  if (!isRecord(message)) throw invalidRequest(`${at}: Input should be a valid dictionary`);
  if (message.role !== 'user' && message.role !== 'assistant')
    throw invalidRequest(`${at}.role: Input should be 'user' or 'assistant'`);
  const content = message.content;
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) throw invalidRequest(`${at}.content: Field required`);
  content.forEach((block, index) => {
    if (!isRecord(block) || typeof block.type !== 'string')
      throw invalidRequest(`${at}.content.${index}.type: Field required`);
    if (block.type === 'text' && typeof block.text !== 'string')
      throw invalidRequest(`${at}.content.${index}.text: Field required`);
  });
}

function checkTools(tools: unknown): void {
  if (!Array.isArray(tools)) throw invalidRequest('tools: Input should be a valid list');
  tools.forEach((tool, index) => {
    if (!isRecord(tool) || typeof tool.name !== 'string' || tool.name === '')
      throw invalidRequest(`tools.${index}.name: Field required`);
    if (!isRecord(tool.input_schema)) throw invalidRequest(`tools.${index}.input_schema: Field required`);
  });
}

/** Each `tool_result` must answer a `tool_use` of the assistant message just before it. */
function checkToolResults(request: MessagesRequest): void {
  request.messages.forEach((message, index) => {
    if (typeof message.content === 'string') return;
    const previous = request.messages[index - 1];
    const offered = new Set(
      blocksOf(previous?.role === 'assistant' ? previous.content : [])
        .filter((b) => b.type === 'tool_use')
        .map((b) => b.id),
    );
    message.content.forEach((block, blockIndex) => {
      if (block.type !== 'tool_result' || offered.has(block.tool_use_id)) return;
      throw invalidRequest(
        `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    });
  });
}

export function blocksOf(content: string | RequestBlock[] | undefined): RequestBlock[] {
  if (content === undefined) return [];
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}
