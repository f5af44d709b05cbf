// The `agent` executor: one streamed Claude message; every text delta is an agent.delta event.
import Anthropic from '@anthropic-ai/sdk';
import { NodeError, type Executor, type NodeExecution, type NodeResult } from '../executor.ts';
import type { FetchLike } from '../api/http.ts';
import { anthropicError } from './errors.ts';
import { agentOutputs, parseAgentRequest } from './prompt.ts';

export const ANTHROPIC_DEFAULT_BASE = 'https://api.anthropic.com';

export interface AgentExecutorOptions {
  /** ANTHROPIC_BASE_URL, the sandbox, or https://api.anthropic.com. */
  baseURL?: string;
  apiKey?: string;
  fetch?: FetchLike;
}

export const createAgentExecutor = (options: AgentExecutorOptions = {}): Executor => {
  const baseURL = (options.baseURL ?? ANTHROPIC_DEFAULT_BASE).replace(/\/+$/, '');
  let client: Anthropic | undefined;

  return async (execution: NodeExecution): Promise<NodeResult> => {
    const request = parseAgentRequest(execution);
    const node = execution.node.id;
    if (!options.apiKey) {
      throw new NodeError(
        `agent node "${node}": no Claude key — set ANTHROPIC_API_KEY (or run without keys to use the sandbox)`,
        {
          code: 'missing_credentials',
        },
      );
    }
    // Retries happen once, in the runner's wrapper, with events (AGENT_DEFAULT_RETRY): the SDK's own are off.
    client ??= new Anthropic({ apiKey: options.apiKey, baseURL, maxRetries: 0, logLevel: 'off', fetch: options.fetch });
    const url = `${baseURL}/v1/messages`;
    const target = `POST ${url} (${request.model})`;
    const params = {
      model: request.model,
      max_tokens: request.maxTokens,
      ...(request.system === undefined ? {} : { system: request.system }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      messages: [{ role: 'user' as const, content: request.user }],
    };
    // The resolved prompt is part of the event, so the run view shows what Claude was asked (secrets are masked there).
    execution.emit({ type: 'node.request', node, method: 'POST', url, attempt: execution.attempt, body: params });
    const started = performance.now();
    try {
      const stream = client.messages.stream(params, { signal: execution.signal });
      stream.on('text', (text) => execution.emit({ type: 'agent.delta', node, text }));
      const message = await stream.finalMessage();
      execution.emit({
        type: 'node.response',
        node,
        status: stream.response?.status ?? 200,
        durationMs: Math.round(performance.now() - started),
        body: { id: message.id, model: message.model, stop_reason: message.stop_reason, usage: message.usage },
      });
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      return {
        outputs: agentOutputs(execution.node, text),
        ai: {
          model: message.model || request.model,
          provider: 'anthropic',
          prompt_tokens: message.usage.input_tokens,
          completion_tokens: message.usage.output_tokens,
        },
      };
    } catch (error) {
      throw anthropicError(error, target, execution.signal);
    }
  };
};
