// A stand-in for Claude that answers each request with the next scripted reply (text and tool calls).
import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, Message, MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';

export interface ScriptedReply {
  text?: string;
  tools?: Array<{ name: string; input: unknown }>;
}

export interface ScriptedModel {
  client: Anthropic;
  requests: MessageCreateParams[];
}

export const scriptedModel = (
  script: Array<ScriptedReply | ((request: MessageCreateParams) => ScriptedReply)>,
): ScriptedModel => {
  const requests: MessageCreateParams[] = [];
  let next = 0;
  const stream = (request: MessageCreateParams) => {
    requests.push(structuredClone(request));
    const step = script[next++] ?? { text: 'done' };
    const reply = typeof step === 'function' ? step(request) : step;
    const content: ContentBlock[] = [
      ...(reply.text ? [{ type: 'text', text: reply.text, citations: null } as ContentBlock] : []),
      ...(reply.tools ?? []).map(
        (tool, index) =>
          ({ type: 'tool_use', id: `toolu_${next}_${index}`, name: tool.name, input: tool.input }) as ContentBlock,
      ),
    ];
    const listeners: Array<(delta: string) => void> = [];
    return {
      on(event: string, listener: (delta: string) => void) {
        if (event === 'text') listeners.push(listener);
        return this;
      },
      async finalMessage(): Promise<Message> {
        if (reply.text) for (const listener of listeners) listener(reply.text);
        return {
          id: `msg_${next}`,
          type: 'message',
          role: 'assistant',
          model: request.model,
          content,
          stop_reason: reply.tools?.length ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 1 },
        } as Message;
      },
    };
  };
  return { client: { messages: { stream } } as unknown as Anthropic, requests };
};
