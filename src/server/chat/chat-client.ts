// Talks to a server's /api/chat over HTTP: what `sopstate chat` (and tests) use.
import type { ChatEvent } from './chat-event.ts';
import type { ChatConfirmRequest, ChatMessageRequest } from '../contract/requests.ts';
import { readApiError } from '../contract/api-error-body.ts';
import { readSseJson } from './sse-client.ts';

export interface ChatClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  token?: string;
}

class ChatClientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChatClientError';
  }
}

export interface ChatClient {
  readonly conversationId: string | undefined;
  /** Sends one message and calls `onEvent` for each event of the answer; resolves after `done`. */
  send(message: string, onEvent: (event: ChatEvent) => void): Promise<void>;
  /** Confirms the waiting action (same as replying "yes"). */
  confirm(onEvent: (event: ChatEvent) => void): Promise<void>;
}

const errorText = async (response: Response): Promise<string> => {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: a proxy's page, say
  }
  return readApiError(body)?.message ?? (text.trim() || `HTTP ${response.status}`);
};

export const createChatClient = ({ url, token }: ChatClientOptions): ChatClient => {
  let conversationId: string | undefined;
  const base = url.replace(/\/+$/, '');

  const post = async (
    path: '/api/chat' | '/api/chat/confirm',
    body: ChatMessageRequest | ChatConfirmRequest,
    onEvent: (event: ChatEvent) => void,
  ): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new ChatClientError(`cannot reach ${base}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const hint = response.status === 401 ? ' (pass --token or set SOPSTATE_TOKEN)' : '';
      throw new ChatClientError(
        `${path} answered ${response.status}: ${await errorText(response)}${hint}`,
        response.status,
      );
    }
    for await (const { data } of readSseJson<ChatEvent>(response)) {
      if (data.type === 'conversation') conversationId = data.conversationId;
      onEvent(data);
      if (data.type === 'done') return;
    }
  };

  return {
    get conversationId() {
      return conversationId;
    },
    send: (message, onEvent) => post('/api/chat', conversationId ? { conversationId, message } : { message }, onEvent),
    confirm: (onEvent) => {
      if (!conversationId) return Promise.reject(new ChatClientError('no conversation yet: send a message first'));
      return post('/api/chat/confirm', { conversationId }, onEvent);
    },
  };
};
