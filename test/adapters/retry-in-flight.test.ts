import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeError } from '../../src/adapters/executor.ts';
import { API_DEFAULT_RETRY, IN_FLIGHT_PATIENCE_MS, withRetry } from '../../src/adapters/retry.ts';
import { makeExecution } from './support/execution.ts';

const keyInUse = () =>
  new NodeError('Stripe 409 idempotency_error idempotency_key_in_use', {
    code: 'idempotency_key_in_use',
    status: 409,
    retryable: true,
  });

const confirmExecution = () => makeExecution({ id: 'confirm_payment', runtime: {} });

describe('a resumed request whose original is still in flight (409 idempotency_key_in_use)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps waiting past the attempt limit until the original answers, with the same key each time', async () => {
    const keys: string[] = [];
    const inFlightCalls = API_DEFAULT_RETRY.maxAttempts + 3;
    const resumedConfirm = withRetry(async ({ idempotencyKey }) => {
      keys.push(idempotencyKey);
      if (keys.length <= inFlightCalls) throw keyInUse();
      return { outputs: { status: 'succeeded' } };
    }, API_DEFAULT_RETRY);
    const execution = confirmExecution();
    const result = resumedConfirm(execution);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(result).resolves.toEqual({ outputs: { status: 'succeeded' } });
    expect(keys).toHaveLength(inFlightCalls + 1);
    expect(new Set(keys)).toEqual(new Set([execution.idempotencyKey]));
    expect(execution.events.filter((event) => event.type === 'node.retrying')).toHaveLength(inFlightCalls);
  });

  it('still counts ordinary failures after the wait, and gives up once its patience is spent', async () => {
    let calls = 0;
    const stuck = withRetry(async () => {
      calls++;
      throw keyInUse();
    }, API_DEFAULT_RETRY);
    const result = stuck(confirmExecution());
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(IN_FLIGHT_PATIENCE_MS + 60_000);
    expect(await settled).toMatchObject({ code: 'idempotency_key_in_use' });
    expect(calls).toBeGreaterThan(API_DEFAULT_RETRY.maxAttempts);
  });
});
