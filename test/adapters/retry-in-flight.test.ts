import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeError, type NodeExecution } from '../../src/adapters/executor.ts';
import { API_DEFAULT_RETRY, IN_FLIGHT_PATIENCE_MS, withRetry } from '../../src/adapters/retry.ts';
import type { WorkflowNode } from '../../src/osop/workflow.ts';
import type { RunEventBody } from '../../src/machine/run-event.ts';

const confirm = { id: 'confirm_payment', type: 'api', name: 'Confirm', runtime: {}, outputs: [], maxIterations: 3, position: { file: 'x.osop.yaml', line: 1, col: 1 } } as WorkflowNode;
const keyInUse = () =>
  new NodeError('Stripe 409 idempotency_error idempotency_key_in_use', { code: 'idempotency_key_in_use', status: 409, retryable: true });

function confirmExecution(emitted: RunEventBody[]): NodeExecution {
  return {
    node: confirm,
    runtime: {},
    runId: 'run-1',
    visit: 1,
    attempt: 1,
    idempotencyKey: 'run-1:confirm_payment:1',
    context: { inputs: {}, outputs: {} },
    signal: new AbortController().signal,
    emit: (event) => emitted.push(event),
  };
}

describe('a resumed request whose original is still in flight (409 idempotency_key_in_use)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps waiting past the attempt limit until the original answers, with the same key each time', async () => {
    const keys: string[] = [];
    const emitted: RunEventBody[] = [];
    const inFlightCalls = API_DEFAULT_RETRY.maxAttempts + 3;
    const resumedConfirm = withRetry(async ({ idempotencyKey }) => {
      keys.push(idempotencyKey);
      if (keys.length <= inFlightCalls) throw keyInUse();
      return { outputs: { status: 'succeeded' } };
    }, API_DEFAULT_RETRY);
    const result = resumedConfirm(confirmExecution(emitted));
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(result).resolves.toEqual({ outputs: { status: 'succeeded' } });
    expect(keys).toHaveLength(inFlightCalls + 1);
    expect(new Set(keys)).toEqual(new Set(['run-1:confirm_payment:1']));
    expect(emitted.filter((event) => event.type === 'node.retrying')).toHaveLength(inFlightCalls);
  });

  it('still counts ordinary failures after the wait, and gives up once its patience is spent', async () => {
    let calls = 0;
    const stuck = withRetry(async () => {
      calls++;
      throw keyInUse();
    }, API_DEFAULT_RETRY);
    const result = stuck(confirmExecution([]));
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(IN_FLIGHT_PATIENCE_MS + 60_000);
    expect(await settled).toMatchObject({ code: 'idempotency_key_in_use' });
    expect(calls).toBeGreaterThan(API_DEFAULT_RETRY.maxAttempts);
  });
});
