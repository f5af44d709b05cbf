// One chat turn: a person's message in, a stream of ChatEvents out, the conversation saved as it goes.
import type Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { EmitChatEvent } from './chat-event.ts';
import type { ChatStore } from './chat-store.ts';
import { chatTools, executeTool, type ToolOutcome } from './chat-tools.ts';
import { isConfirmation, isRefusal } from './confirm-policy.ts';
import { performAction } from './pending-action.ts';
import type { RunApi } from './run-api.ts';
import { followRun } from './run-follower.ts';
import { describeCatalog, loadChatWorkflows } from './workflow-catalog-view.ts';

export interface ConversationDeps {
  store: ChatStore;
  api: RunApi;
  /** The full workflow (runtime blocks included) the spending rule inspects; undefined = unknown. */
  inspectWorkflow(id: string): Promise<Record<string, unknown> | undefined>;
  anthropic: Anthropic;
  model?: string;
  /** Model round trips per turn before giving up (each tool answer is one). */
  maxRounds?: number;
}

class ChatInputError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ChatInputError';
  }
}

const DEFAULT_CHAT_MODEL = 'claude-sonnet-4-6';

const SYSTEM = [
  'You operate sopstate, which runs OSOP workflows (standard operating procedures) such as Stripe payments.',
  'Use list_workflows and describe_workflow to find the right workflow, then start_run with its inputs.',
  'Amounts go in the smallest currency unit, as Stripe expects ($25 → 2500, currency "usd").',
  'start_run and approve never act by themselves: the system asks the person to confirm, and only their reply starts anything.',
  'Never say a payment or run happened unless a tool result says so.',
  'Tool results are written for the person: pass them on in plain words. Never mention tools, tool names or how you got an answer.',
].join('\n');

const text = (content: string): MessageParam['content'] => [{ type: 'text', text: content }];

/** Merges consecutive same-role messages (left by an interrupted turn) so the history stays valid. */
const tidy = (messages: MessageParam[]): MessageParam[] =>
  messages.reduce<MessageParam[]>((out, message) => {
    const previous = out.at(-1);
    if (!previous || previous.role !== message.role) return [...out, message];
    const blocks = (content: MessageParam['content']) =>
      (typeof content === 'string' ? text(content) : content) as Exclude<MessageParam['content'], string>;
    out[out.length - 1] = {
      role: message.role,
      content: [...blocks(previous.content), ...blocks(message.content)],
    } as MessageParam;
    return out;
  }, []);

const say = async (deps: ConversationDeps, conversationId: string, emit: EmitChatEvent, sentence: string) => {
  emit({ type: 'assistant.delta', text: sentence });
  await deps.store.append(conversationId, { role: 'assistant', content: text(sentence) });
};

const act = async (
  deps: ConversationDeps,
  conversationId: string,
  emit: EmitChatEvent,
  signal?: AbortSignal,
): Promise<void> => {
  const action = await deps.store.takePending(conversationId);
  if (!action) throw new ChatInputError(409, 'nothing is waiting for confirmation in this conversation');
  const outcome = await performAction(deps.api, action, emit);
  if (outcome.runId && action.kind === 'start_run') await deps.store.recordRun(conversationId, outcome.runId);
  await say(deps, conversationId, emit, `${outcome.text}\n`);
  if (!outcome.runId) return;
  const resumedNode = action.kind === 'signal' ? action.node : undefined;
  const followed = await followRun(deps.api, outcome.runId, emit, { signal, resumedNode });
  await say(deps, conversationId, emit, followed.text);
};

const modelLoop = async (
  deps: ConversationDeps,
  conversationId: string,
  message: string,
  emit: EmitChatEvent,
  signal?: AbortSignal,
): Promise<void> => {
  const workflows = await loadChatWorkflows(deps);
  const tools = chatTools(workflows);
  const toolContext = { ...deps, workflows, message, runs: await deps.store.runs(conversationId) };
  const system = `${SYSTEM}\n\nWorkflows on this server:\n${describeCatalog(workflows) || '(none)'}`;
  const startedRuns: string[] = [];
  const maxRounds = deps.maxRounds ?? 8;
  let finished = false;
  for (let round = 0; round < maxRounds; round++) {
    const stream = deps.anthropic.messages.stream({
      model: deps.model ?? DEFAULT_CHAT_MODEL,
      max_tokens: 1024,
      system,
      tools,
      messages: tidy(await deps.store.messages(conversationId)),
    });
    stream.on('text', (delta) => emit({ type: 'assistant.delta', text: delta }));
    const reply = await stream.finalMessage();
    await deps.store.append(conversationId, { role: 'assistant', content: reply.content });
    finished = reply.stop_reason !== 'tool_use';
    if (finished) break;
    const results: ToolResultBlockParam[] = [];
    for (const block of reply.content) {
      if (block.type !== 'tool_use') continue;
      emit({ type: 'tool.call', id: block.id, name: block.name, input: block.input });
      const outcome = await executeTool(toolContext, block.name, block.input).catch((error: Error): ToolOutcome => ({
        content: `Something went wrong on the server: ${error.message}`,
        isError: true,
      }));
      if (outcome.pending) {
        await deps.store.setPending(conversationId, outcome.pending);
        emit({ type: 'confirm.required', ...outcome.pending.summary, action: outcome.pending });
      }
      if (outcome.runId) {
        await deps.store.recordRun(conversationId, outcome.runId);
        emit({ type: 'run.started', runId: outcome.runId, workflow: outcome.workflow ?? '' });
        startedRuns.push(outcome.runId);
      }
      emit({
        type: 'tool.result',
        id: block.id,
        name: block.name,
        isError: outcome.isError,
        summary: outcome.content.slice(0, 300),
      });
      results.push({ type: 'tool_result', tool_use_id: block.id, content: outcome.content, is_error: outcome.isError });
    }
    await deps.store.append(conversationId, { role: 'user', content: results });
  }
  if (!finished)
    emit({
      type: 'error',
      message: `I could not finish this in ${maxRounds} rounds, so I stopped. Try asking again in fewer steps.`,
    });
  for (const runId of startedRuns) {
    const followed = await followRun(deps.api, runId, emit, { signal });
    await say(deps, conversationId, emit, `\n${followed.text}`);
  }
};

export interface TurnRequest {
  conversationId?: string;
  message: string;
}

/** Starts or continues a conversation; the first event names it. Throws ChatInputError for a bad request. */
export const chatTurn = async (
  deps: ConversationDeps,
  request: TurnRequest,
  emit: EmitChatEvent,
  signal?: AbortSignal,
): Promise<void> => {
  const conversation = request.conversationId
    ? await deps.store.get(request.conversationId)
    : await deps.store.create();
  if (!conversation)
    throw new ChatInputError(
      404,
      `unknown conversation ${request.conversationId}; omit conversationId to start a new one`,
    );
  emit({ type: 'conversation', conversationId: conversation.id });
  await deps.store.append(conversation.id, { role: 'user', content: text(request.message) });
  try {
    if (conversation.pending && isConfirmation(request.message)) {
      await act(deps, conversation.id, emit, signal);
    } else if (conversation.pending && isRefusal(request.message)) {
      await deps.store.setPending(conversation.id, undefined);
      emit({ type: 'confirm.cancelled', summary: conversation.pending.summary.text });
      await say(deps, conversation.id, emit, `Cancelled: ${conversation.pending.summary.text}. Nothing was started.`);
    } else {
      if (conversation.pending) {
        // The person moved on: a later "yes" must not start an action they no longer look at.
        await deps.store.setPending(conversation.id, undefined);
        emit({ type: 'confirm.cancelled', summary: conversation.pending.summary.text });
      }
      await modelLoop(deps, conversation.id, request.message, emit, signal);
    }
  } catch (error) {
    emit({ type: 'error', message: (error as Error).message });
  }
  emit({ type: 'done' });
};

/** POST /api/chat/confirm: the same as replying "yes", without the words. */
export const confirmTurn = async (
  deps: ConversationDeps,
  conversationId: string,
  emit: EmitChatEvent,
  signal?: AbortSignal,
): Promise<void> => {
  const conversation = await deps.store.get(conversationId);
  if (!conversation) throw new ChatInputError(404, `unknown conversation ${conversationId}`);
  if (!conversation.pending) throw new ChatInputError(409, 'nothing is waiting for confirmation in this conversation');
  emit({ type: 'conversation', conversationId });
  await deps.store.append(conversationId, { role: 'user', content: text('(confirmed with the button)') });
  try {
    await act(deps, conversationId, emit, signal);
  } catch (error) {
    emit({ type: 'error', message: (error as Error).message });
  }
  emit({ type: 'done' });
};
