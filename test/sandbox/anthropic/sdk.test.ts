import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { claudeClient, rejectionOf, stripeClient, useSandbox } from '../helpers.ts';

const MODEL = 'claude-sonnet-4-6';
const PAYMENT = JSON.stringify({
  inputs: { email: 'user@example.com', amount: 2000, currency: 'usd' },
  outputs: { create_intent: { intent_id: 'pi_3Test123' } },
});

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'list_runs',
    description: 'List recent workflow runs and their status',
    input_schema: { type: 'object', properties: {} },
  },
  {
    name: 'run_workflow',
    description: 'Start a workflow by name with inputs',
    input_schema: {
      type: 'object',
      properties: { workflow: { type: 'string' }, inputs: { type: 'object' } },
      required: ['workflow'],
    },
  },
  {
    name: 'refund_payment',
    description: 'Refund a customer payment',
    input_schema: {
      type: 'object',
      properties: { email: { type: 'string' }, amount: { type: 'integer' }, currency: { type: 'string' } },
    },
  },
];

describe('the official @anthropic-ai/sdk against the Claude sandbox', () => {
  const sandbox = useSandbox();

  it('answers messages.create with a receipt naming amount, currency, email and payment intent', async () => {
    const message = await claudeClient(sandbox()).messages.create({
      model: MODEL,
      max_tokens: 1024,
      system: 'Generate a payment receipt email. Be concise and professional.',
      messages: [{ role: 'user', content: PAYMENT }],
    });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn' });
    expect(message.id).toMatch(/^msg_/);
    const [block] = message.content;
    expect(block.type).toBe('text');
    const text = block.type === 'text' ? block.text : '';
    for (const expected of ['$20.00', 'USD', 'user@example.com', 'pi_3Test123']) expect(text).toContain(expected);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams with messages.stream: text deltas add up to finalMessage(), events in the API order', async () => {
    const stream = claudeClient(sandbox()).messages.stream({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user', content: PAYMENT }],
    });
    const events: string[] = [];
    let streamed = '';
    stream.on('streamEvent', (event) => events.push(event.type));
    stream.on('text', (delta) => (streamed += delta));
    const final = await stream.finalMessage();
    const text = final.content[0].type === 'text' ? final.content[0].text : '';
    expect(streamed).toBe(text);
    expect(text).toContain('pi_3Test123');
    const deltas = events.filter((type) => type === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(1);
  });

  it('sends the raw SSE frames in order, with a ping after the first block starts', async () => {
    const response = await fetch(`${sandbox().anthropicUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'Hello there' }],
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const names = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('picks the tool matching the user text and fills its inputs; a tool_result round trip gets a summary', async () => {
    const client = claudeClient(sandbox());
    const question: Anthropic.MessageParam = { role: 'user', content: 'Please refund $25 to jane@example.com' };
    const first = await client.messages.create({ model: MODEL, max_tokens: 1024, tools: TOOLS, messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(use).toMatchObject({
      name: 'refund_payment',
      input: { email: 'jane@example.com', amount: 2500, currency: 'usd' },
    });
    expect(use?.id).toMatch(/^toolu_/);
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      tools: TOOLS,
      messages: [
        question,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: use!.id,
              content: JSON.stringify({ refund: 're_123', status: 'succeeded' }),
            },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    const text = second.content[0].type === 'text' ? second.content[0].text : '';
    expect(text).not.toContain('refund_payment'); // it speaks to the person, not about the tool (issue 19)
    expect(text).toContain('re_123');
    expect(text).toContain('succeeded');
  });

  it('streams a tool_use block as input_json_delta pieces the SDK reassembles', async () => {
    const stream = claudeClient(sandbox()).messages.stream({
      model: MODEL,
      max_tokens: 1024,
      tools: TOOLS,
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'run the stripe-payment workflow with email=bob@example.com amount=3000' }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'run_workflow',
      input: { workflow: 'stripe-payment', inputs: { email: 'bob@example.com', amount: 3000 } },
    });
  });

  it('refuses a tool_result that answers no tool_use', async () => {
    const error = await rejectionOf(
      claudeClient(sandbox()).messages.create({
        model: MODEL,
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }],
      }),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('toolu_nope');
  });

  it('stops at max_tokens and at a stop sequence', async () => {
    const client = claudeClient(sandbox());
    const short = await client.messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: PAYMENT }],
    });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.usage.output_tokens).toBe(5);
    const stopped = await client.messages.create({
      model: MODEL,
      max_tokens: 500,
      stop_sequences: ['Best regards'],
      messages: [{ role: 'user', content: PAYMENT }],
    });
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'Best regards' });
  });

  it('names the amount and email of an intent known only by id, from the Stripe sandbox', async () => {
    const stripe = stripeClient(sandbox());
    const customer = await stripe.customers.create({ email: 'lookup@example.com', name: 'Ada' });
    const intent = await stripe.paymentIntents.create({ amount: 4550, currency: 'eur', customer: customer.id });
    const message = await claudeClient(sandbox()).messages.create({
      model: MODEL,
      max_tokens: 500,
      messages: [{ role: 'user', content: JSON.stringify({ outputs: { create_intent: { intent_id: intent.id } } }) }],
    });
    const text = message.content[0].type === 'text' ? message.content[0].text : '';
    expect(text).toContain('€45.50 EUR');
    expect(text).toContain('lookup@example.com');
    expect(text).toContain('Hello Ada');
  });

  it('checks x-api-key and anthropic-version', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${sandbox().anthropicUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      });
    const noKey = await post({ 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const noVersion = await post({ 'x-api-key': 'k' });
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).error.message).toBe('anthropic-version: header is required');
  });

  it('names the missing field of a bad request', async () => {
    const error = await rejectionOf(
      claudeClient(sandbox()).messages.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('max_tokens: Field required');
  });
});
