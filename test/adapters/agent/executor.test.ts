import { describe, expect, it } from 'vitest';
import { createAgentExecutor } from '../../../src/adapters/agent/executor.ts';
import { makeExecution } from '../support/execution.ts';
import { failure } from '../support/failure.ts';
import { startFakeAnthropic } from '../support/fake-anthropic.ts';
import { forgetRequests, startForFile } from '../support/for-file.ts';
import { closedPort } from '../support/loopback.ts';

const KEY = 'sk-ant-canary-91c3';
const claude = await startForFile(startFakeAnthropic, forgetRequests);
const agent = createAgentExecutor({ baseURL: claude.url, apiKey: KEY });

const receiptNode = (runtime: Record<string, unknown> = {}, outputs?: Record<string, string | null>) =>
  makeExecution({
    id: 'send_receipt',
    type: 'agent',
    runtime: {
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      system_prompt: 'Generate a payment receipt email.',
      ...runtime,
    },
    outputs,
    context: { inputs: { email: 'user@example.com' }, outputs: { create_intent: { intent_id: 'pi_1', amount: 2000 } } },
  });

describe('agent executor', () => {
  it('streams each text delta as an event and returns the text with token usage', async () => {
    claude.reply({ kind: 'stream', chunks: ['Dear ', 'customer, ', 'thanks.'], inputTokens: 42, outputTokens: 7 });
    const execution = receiptNode();
    const result = await agent(execution);

    expect(execution.events.filter((event) => event.type === 'agent.delta')).toEqual([
      { type: 'agent.delta', node: 'send_receipt', text: 'Dear ' },
      { type: 'agent.delta', node: 'send_receipt', text: 'customer, ' },
      { type: 'agent.delta', node: 'send_receipt', text: 'thanks.' },
    ]);
    expect(execution.events[0]).toMatchObject({
      type: 'node.request',
      method: 'POST',
      url: `${claude.url}/v1/messages`,
      // What Claude was asked, resolved, for the run view's node panel.
      body: {
        model: 'claude-sonnet-4-6',
        system: 'Generate a payment receipt email.',
        messages: [{ role: 'user', content: expect.stringContaining('pi_1') }],
      },
    });
    expect(execution.events.at(-1)).toMatchObject({
      type: 'node.response',
      status: 200,
      body: { usage: { input_tokens: 42, output_tokens: 7 } },
    });
    expect(result.outputs).toEqual({ text: 'Dear customer, thanks.' });
    expect(result.ai).toEqual({
      model: 'claude-sonnet-4-6',
      provider: 'anthropic',
      prompt_tokens: 42,
      completion_tokens: 7,
    });
  });

  it('sends the system prompt and, with no prompt, the inputs and completed outputs as JSON', async () => {
    await agent(receiptNode({ temperature: 0.2 }));
    const [{ body, headers }] = claude.requests;
    // @anthropic-ai/sdk 1.14 sends the key as `Authorization: Bearer`; older versions used `x-api-key`.
    expect(`${headers['x-api-key'] ?? ''} ${headers.authorization ?? ''}`).toContain(KEY);
    expect(headers['anthropic-version']).toBeTruthy();
    expect(headers['x-stainless-retry-count']).toBe('0');
    expect(body).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      system: 'Generate a payment receipt email.',
      temperature: 0.2,
      stream: true,
    });
    const messages = body.messages as Array<{ role: string; content: string }>;
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0].content)).toEqual({
      inputs: { email: 'user@example.com' },
      outputs: { create_intent: { intent_id: 'pi_1', amount: 2000 } },
    });
    // Compact: indentation would be paid for as input tokens.
    expect(messages[0].content).not.toMatch(/\n|": /);
  });

  it('uses prompt (or user_prompt) and max_tokens when given', async () => {
    await agent(receiptNode({ prompt: 'Say hi', max_tokens: 50 }));
    await agent(receiptNode({ user_prompt: 'Say bye' }));
    expect(
      claude.requests.map(({ body }) => [body.max_tokens, (body.messages as Array<{ content: string }>)[0].content]),
    ).toEqual([
      [50, 'Say hi'],
      [1024, 'Say bye'],
    ]);
  });

  it('maps JSON answers onto declared outputs', async () => {
    claude.reply({ kind: 'stream', chunks: ['```json\n{"subject": "Receipt", ', '"body": {"lines": 3}}\n```'] });
    const result = await agent(receiptNode({}, { subject: null, lines: 'data.body.lines', missing: null }));
    expect(result.outputs).toMatchObject({ subject: 'Receipt', lines: 3 });
    expect(result.outputs).not.toHaveProperty('missing');
  });

  it.each([
    [
      { kind: 'error', status: 429, type: 'rate_limit_error', headers: { 'retry-after': '3' } } as const,
      'rate_limit_error',
      true,
      3000,
    ],
    [{ kind: 'error', status: 529, type: 'overloaded_error' } as const, 'overloaded_error', true, undefined],
    [{ kind: 'error', status: 500, type: 'api_error' } as const, 'api_error', true, undefined],
    [
      { kind: 'error', status: 400, type: 'invalid_request_error', message: 'max_tokens too large' } as const,
      'invalid_request_error',
      false,
      undefined,
    ],
    [{ kind: 'error', status: 401, type: 'authentication_error' } as const, 'authentication_error', false, undefined],
  ])('classifies %o', async (reply, code, retryable, retryAfterMs) => {
    claude.reply(reply);
    const error = await failure(agent(receiptNode()));
    expect(error).toMatchObject({ code, retryable, retryAfterMs });
    expect(claude.requests).toHaveLength(1);
  });

  it('retries an overloaded error that arrives mid-stream', async () => {
    claude.reply({ kind: 'stream-error', chunks: ['Dear'], type: 'overloaded_error' });
    expect(await failure(agent(receiptNode()))).toMatchObject({ code: 'overloaded_error', retryable: true });
  });

  it('refuses another provider, a missing model or key, with the node location', async () => {
    const provider = await failure(agent(receiptNode({ provider: 'openai' })));
    expect(provider.message).toContain(
      'agent node "send_receipt": runtime.provider is "openai", which sopstate cannot run — use provider: anthropic',
    );
    expect(await failure(agent(receiptNode({ model: undefined })))).toMatchObject({ code: 'invalid_runtime' });
    const keyless = createAgentExecutor({ baseURL: claude.url });
    expect((await failure(keyless(receiptNode()))).message).toContain('set ANTHROPIC_API_KEY');
    expect(claude.requests).toHaveLength(0);
  });

  it('an unreachable API is a retryable network error that does not show the key', async () => {
    const offline = createAgentExecutor({ baseURL: await closedPort(), apiKey: KEY });
    const execution = receiptNode();
    const error = await failure(offline(execution));
    expect(error).toMatchObject({ code: 'network_error', retryable: true });
    expect(JSON.stringify([error.message, execution.events])).not.toContain(KEY);
  });

  it('stops when the run aborts the node', async () => {
    const controller = new AbortController();
    controller.abort();
    const execution = makeExecution({
      type: 'agent',
      runtime: { model: 'claude-sonnet-4-6' },
      signal: controller.signal,
    });
    expect(await failure(agent(execution))).toMatchObject({ code: 'aborted', retryable: false });
  });
});
