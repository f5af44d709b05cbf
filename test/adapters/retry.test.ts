import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeError, type NodeExecution } from '../../src/adapters/executor.ts';
import { API_DEFAULT_RETRY, backoffDelay, retryPolicyFor, withRetry } from '../../src/adapters/retry.ts';
import type { RetryPolicy } from '../../src/osop/workflow.ts';
import type { RunEventBody } from '../../src/events/run-event.ts';
import { makeExecution } from './support/execution.ts';

const chargeExecution = () => makeExecution({ id: 'charge', runtime: {} });
const { node } = chargeExecution();
const execution = (emitted: RunEventBody[]): NodeExecution => ({
  ...chargeExecution(),
  emit: (event) => emitted.push(event),
});

const exponential: RetryPolicy = {
  maxAttempts: 4,
  backoff: { type: 'exponential', initialMs: 1000, maxMs: 3000, multiplier: 2 },
};
const serverError = () => new NodeError('api_error: try again', { code: 'http_500', status: 500, retryable: true });

describe('retries', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the announced backoff before each new attempt, then succeeds', async () => {
    const emitted: RunEventBody[] = [];
    const attempts: number[] = [];
    const flaky = withRetry(
      async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw serverError();
        return { outputs: { ok: true } };
      },
      exponential,
      { random: () => 0.5 },
    );
    const result = flaky(execution(emitted));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual([1]);
    const first = emitted[0];
    expect(first).toMatchObject({ type: 'node.retrying', node: 'charge', attempt: 2, error: { code: 'http_500' } });
    const firstDelay = first.type === 'node.retrying' ? first.delayMs : 0;
    expect(firstDelay).toBe(backoffDelay(exponential, 1, () => 0.5));
    await vi.advanceTimersByTimeAsync(firstDelay - 1);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    const second = emitted[1];
    const secondDelay = second.type === 'node.retrying' ? second.delayMs : 0;
    expect(secondDelay).toBeGreaterThan(firstDelay);
    await vi.advanceTimersByTimeAsync(secondDelay);
    await expect(result).resolves.toEqual({ outputs: { ok: true } });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('never retries an error that is not retryable, such as a declined card', async () => {
    const emitted: RunEventBody[] = [];
    let calls = 0;
    const charge = withRetry(async () => {
      calls++;
      throw new NodeError('Your card was declined.', { code: 'card_declined', status: 402 });
    }, exponential);
    await expect(charge(execution(emitted))).rejects.toMatchObject({ code: 'card_declined' });
    expect(calls).toBe(1);
    expect(emitted).toEqual([]);
  });

  it('honours Retry-After over the computed backoff', async () => {
    const emitted: RunEventBody[] = [];
    let calls = 0;
    const limited = withRetry(async () => {
      if (++calls === 1)
        throw new NodeError('rate limited', { code: 'rate_limit', status: 429, retryable: true, retryAfterMs: 7000 });
      return { outputs: {} };
    }, exponential);
    const result = limited(execution(emitted));
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await result;
    expect(calls).toBe(2);
    expect(emitted[0]).toMatchObject({ type: 'node.retrying', delayMs: 7000 });
  });

  it('gives up after max attempts with the last error', async () => {
    let calls = 0;
    const down = withRetry(
      async () => {
        calls++;
        throw serverError();
      },
      { ...exponential, maxAttempts: 2 },
    );
    const result = down(execution([]));
    const settled = expect(result).rejects.toMatchObject({ code: 'http_500' });
    await vi.advanceTimersByTimeAsync(10_000);
    await settled;
    expect(calls).toBe(2);
  });

  it('retries only the listed error codes when the policy names them', async () => {
    let calls = 0;
    const picky = withRetry(
      async () => {
        calls++;
        throw serverError();
      },
      { ...exponential, retryableErrors: ['timeout'] },
    );
    await expect(picky(execution([]))).rejects.toMatchObject({ code: 'http_500' });
    expect(calls).toBe(1);
  });
});

describe('retry policy', () => {
  it('uses the node policy over the workflow policy, and gives api nodes two retries by default', () => {
    const workflowPolicy: RetryPolicy = { ...exponential, maxAttempts: 5 };
    expect(retryPolicyFor({ retry: workflowPolicy }, { ...node, retry: exponential })).toBe(exponential);
    expect(retryPolicyFor({ retry: workflowPolicy }, node)).toBe(workflowPolicy);
    expect(retryPolicyFor({}, node)).toEqual(API_DEFAULT_RETRY);
    expect(API_DEFAULT_RETRY.maxAttempts).toBe(3);
    expect(retryPolicyFor({}, { ...node, type: 'cli' })).toBeUndefined();
  });

  it('keeps jittered delays between half and all of the capped backoff', () => {
    expect(backoffDelay(exponential, 1, () => 0)).toBe(500);
    expect(backoffDelay(exponential, 1, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(exponential, 5, () => 0.999)).toBeLessThanOrEqual(3000);
    expect(backoffDelay({ ...exponential, backoff: { ...exponential.backoff, type: 'fixed' } }, 4, () => 0)).toBe(500);
  });
});
