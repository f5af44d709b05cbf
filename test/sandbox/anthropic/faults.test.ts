import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { claudeClient, rejectionOf, useSandbox } from '../helpers.ts';

const REQUEST: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hello' }],
};

describe('Claude sandbox error injection', () => {
  const sandbox = useSandbox();

  it('answers an injected 429 as RateLimitError with retry-after', async () => {
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'rate_limit', retryAfter: 3 });
    const error = await rejectionOf(claudeClient(sandbox()).messages.create(REQUEST));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.headers?.get('retry-after')).toBe('3');
    expect(rateLimit.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('answers an injected 529 overloaded_error and 500 api_error', async () => {
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'overloaded' });
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'server_error' });
    const overloaded = await rejectionOf(claudeClient(sandbox()).messages.create(REQUEST));
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(overloaded).toMatchObject({ status: 529, error: { error: { type: 'overloaded_error' } } });
    const internal = await rejectionOf(claudeClient(sandbox()).messages.create(REQUEST));
    expect(internal).toBeInstanceOf(Anthropic.InternalServerError);
  });

  it("answers an injected refusal as the SDK's BadRequestError, which it never retries", async () => {
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'invalid_request' });
    const refused = await rejectionOf(claudeClient(sandbox(), { maxRetries: 2 }).messages.create(REQUEST));
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(refused).toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
    expect(
      sandbox()
        .anthropic.state()
        .calls.map((call) => call.status),
    ).toEqual([400]);
  });

  it('is retried by the SDK when retries are on, and the request then succeeds', async () => {
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'rate_limit', retryAfter: 0 });
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'overloaded' });
    const message = await claudeClient(sandbox(), { maxRetries: 2 }).messages.create(REQUEST);
    expect(message.stop_reason).toBe('end_turn');
    expect(
      sandbox()
        .anthropic.state()
        .calls.map((call) => call.status),
    ).toEqual([429, 529, 200]);
  });

  it('can break a stream midway with an error event', async () => {
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'stream_error' });
    const stream = claudeClient(sandbox()).messages.stream(REQUEST);
    const error = await rejectionOf(stream.finalMessage());
    expect((error as Error).message).toMatch(/Overloaded/);
  });

  it('can break a stream after some of its text, as a real overload mid-reply does', async () => {
    sandbox().anthropic.addFault({ path: '/v1/messages', type: 'stream_error', afterDeltas: 2 });
    const stream = claudeClient(sandbox()).messages.stream(REQUEST);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const error = await rejectionOf(stream.finalMessage());
    expect((error as Error).message).toMatch(/Overloaded/);
    expect(texts).toHaveLength(2);
    // The same request unbroken begins with that text.
    const whole = await claudeClient(sandbox()).messages.stream(REQUEST).finalText();
    expect(whole.startsWith(texts.join(''))).toBe(true);
    expect(whole.length).toBeGreaterThan(texts.join('').length);
  });

  it('is driven over HTTP and records requests without the API key', async () => {
    const armed = await fetch(`${sandbox().anthropicUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ path: '/v1/messages', type: 'overloaded', times: 2 }] }),
    });
    expect(armed.status).toBe(201);
    const client = claudeClient(sandbox(), { apiKey: 'sk-ant-canary-secret' });
    await rejectionOf(client.messages.create(REQUEST));
    await rejectionOf(client.messages.create(REQUEST));
    await client.messages.create(REQUEST);
    const state = await (await fetch(`${sandbox().anthropicUrl}/__sandbox/state`)).text();
    expect(state).not.toContain('canary');
    const calls = JSON.parse(state).calls as Array<{ status: number; fault: string | null; body: { model: string } }>;
    expect(calls.map((call) => [call.status, call.fault])).toEqual([
      [529, 'overloaded'],
      [529, 'overloaded'],
      [200, null],
    ]);
    expect(calls[2].body.model).toBe('claude-sonnet-4-6');
  });
});
