// POST /api/chat and POST /api/chat/confirm answer with SSE ChatEvents; GET /api/chat/:id shows a conversation.
import type Anthropic from '@anthropic-ai/sdk';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChatEvent, EmitChatEvent } from './chat-event.ts';
import type { ChatStore } from './chat-store.ts';
import { chatTurn, confirmTurn, type ConversationDeps } from './conversation.ts';
import { createRunApi, type FetchLike } from './run-api.ts';
import { ApiError } from '../api-error.ts';
import { chatConfirmBody, chatMessageBody } from '../contract/requests.ts';
import { jsonBody } from '../validate.ts';

export interface ChatRouteDeps {
  store: ChatStore;
  /** The Claude client (live, or pointed at the sandbox emulator); a function is called once per turn. */
  anthropic: Anthropic | (() => Anthropic | Promise<Anthropic>);
  model?: string;
  /** Reaches the server's own REST API, e.g. `(input, init) => app.request(input, init)`. */
  fetch: FetchLike;
  /** The full workflow as the server runs it, for the spending rule (see chat-tools.ts). */
  inspectWorkflow(id: string): Promise<Record<string, unknown> | undefined>;
}

/** One turn at a time per conversation, so a "yes" cannot race the turn that asked for it. */
const createLocks = () => {
  const tails = new Map<string, Promise<void>>();
  return async (key: string, task: () => Promise<void>): Promise<void> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    tails.set(key, tail);
    try {
      await current;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
};

const forwardedHeaders = (c: Context): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'cookie']) {
    const value = c.req.header(name);
    if (value) headers[name] = value;
  }
  return headers;
};

const unknownConversation = (id: string, hint = ''): ApiError =>
  new ApiError(404, 'unknown-conversation', `unknown conversation ${id}${hint}`);

export const chatRoutes = (deps: ChatRouteDeps) => {
  const lock = createLocks();

  const conversationDeps = async (c: Context): Promise<ConversationDeps> => ({
    store: deps.store,
    inspectWorkflow: deps.inspectWorkflow,
    api: createRunApi({ fetch: deps.fetch, headers: forwardedHeaders(c) }),
    anthropic: typeof deps.anthropic === 'function' ? await deps.anthropic() : deps.anthropic,
    model: deps.model,
  });

  const stream = (c: Context, lockKey: string, run: (emit: EmitChatEvent, signal: AbortSignal) => Promise<void>) =>
    streamSSE(c, async (sse) => {
      const aborted = new AbortController();
      sse.onAbort(() => aborted.abort());
      let writes = Promise.resolve();
      const emit = (event: ChatEvent): void => {
        if (aborted.signal.aborted) return;
        writes = writes
          .then(() => sse.writeSSE({ event: event.type, data: JSON.stringify(event) }))
          .catch(() => undefined);
      };
      await lock(lockKey, () =>
        run(emit, aborted.signal).catch((error: Error) => {
          emit({ type: 'error', message: error.message });
          emit({ type: 'done' });
        }),
      );
      await writes;
    });

  return new Hono()
    .post('/api/chat', jsonBody(chatMessageBody), async (c) => {
      const { message, conversationId } = c.req.valid('json');
      if (conversationId !== undefined && !(await deps.store.get(conversationId))) {
        throw unknownConversation(conversationId, '; omit conversationId to start a new one');
      }
      const turnDeps = await conversationDeps(c);
      const key = conversationId ?? `new:${crypto.randomUUID()}`;
      return stream(c, key, (emit, signal) => chatTurn(turnDeps, { conversationId, message }, emit, signal));
    })
    .post('/api/chat/confirm', jsonBody(chatConfirmBody), async (c) => {
      const { conversationId } = c.req.valid('json');
      const conversation = await deps.store.get(conversationId);
      if (!conversation) throw unknownConversation(conversationId);
      if (!conversation.pending) {
        throw new ApiError(
          409,
          'nothing-pending',
          'nothing is waiting for confirmation in this conversation; send a message with POST /api/chat',
        );
      }
      const turnDeps = await conversationDeps(c);
      return stream(c, conversationId, (emit, signal) => confirmTurn(turnDeps, conversationId, emit, signal));
    })
    .get('/api/chat/:id', async (c) => {
      const id = c.req.param('id');
      const conversation = await deps.store.get(id);
      if (!conversation) throw unknownConversation(id);
      const [messages, runs] = await Promise.all([deps.store.messages(id), deps.store.runs(id)]);
      return c.json({ ...conversation, messages, runs });
    });
};
