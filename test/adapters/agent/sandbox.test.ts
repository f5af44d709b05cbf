import { describe, expect, it } from 'vitest';
import { createServiceExecutors } from '../../../src/services/service-endpoints.ts';
import { startSandbox } from '../../../src/sandbox/start.ts';
import { makeExecution } from '../support/execution.ts';
import { failure } from '../support/failure.ts';
import { startForFile } from '../support/for-file.ts';

const sandbox = await startForFile(startSandbox, ({ anthropic }) => anthropic.reset());
const executors = createServiceExecutors({ mode: 'sandbox', sandbox, env: {} });

const receipt = () =>
  makeExecution({
    id: 'send_receipt',
    type: 'agent',
    runtime: {
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      system_prompt: 'Generate a payment receipt email. Be concise and professional.',
    },
    context: {
      inputs: {},
      outputs: {
        create_customer: {
          customer_id: 'cus_1',
          data: { id: 'cus_1', email: 'user@example.com', name: 'John Doe' },
          status: 200,
        },
        create_intent: {
          intent_id: 'pi_3Abc',
          client_secret: 'pi_3Abc_secret_x',
          data: { id: 'pi_3Abc', amount: 2000, currency: 'usd' },
          status: 200,
        },
        check_status: { status: 'succeeded' },
      },
    },
  });

describe('the agent executor against the Claude sandbox', () => {
  it('streams a receipt naming the payment, with token usage', async () => {
    const execution = receipt();
    const result = await executors.agent(execution);
    const deltas = execution.events.flatMap((event) => (event.type === 'agent.delta' ? [event.text] : []));

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(result.outputs.text);
    expect(result.outputs.text).toContain('user@example.com');
    expect(result.outputs.text).toContain('pi_3Abc');
    expect(result.outputs.text).toMatch(/20\.00/);
    expect(result.ai).toMatchObject({ model: 'claude-sonnet-4-6', provider: 'anthropic' });
    expect(result.ai!.prompt_tokens).toBeGreaterThan(0);
    expect(result.ai!.completion_tokens).toBeGreaterThan(0);
    expect(sandbox.anthropic.state().calls).toHaveLength(1);
  });

  it('a 429 is retryable after its Retry-After, a 529 retryable, both with one request each', async () => {
    sandbox.anthropic.addFault({ path: '/v1/messages', type: 'rate_limit', retryAfter: 2 });
    expect(await failure(executors.agent(receipt()))).toMatchObject({
      status: 429,
      code: 'rate_limit_error',
      retryable: true,
      retryAfterMs: 2000,
    });
    sandbox.anthropic.addFault({ path: '/v1/messages', type: 'overloaded' });
    expect(await failure(executors.agent(receipt()))).toMatchObject({
      status: 529,
      code: 'overloaded_error',
      retryable: true,
    });
    expect(sandbox.anthropic.state().calls).toHaveLength(2);
  });

  it('an overload mid-stream is retryable', async () => {
    sandbox.anthropic.addFault({ path: '/v1/messages', type: 'stream_error' });
    expect(await failure(executors.agent(receipt()))).toMatchObject({ code: 'overloaded_error', retryable: true });
  });
});
