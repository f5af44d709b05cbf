import { describe, expect, it } from 'vitest';
import { appendCall } from '../../../src/sandbox/shared/call-log.ts';
import { FaultQueue } from '../../../src/sandbox/shared/fault-queue.ts';
import { matchesPath } from '../../../src/sandbox/shared/path-pattern.ts';

describe('path patterns', () => {
  it('match :params per segment and a trailing * for the rest', () => {
    expect(matchesPath('/v1/payment_intents/:id/confirm', '/v1/payment_intents/pi_1/confirm')).toBe(true);
    expect(matchesPath('/v1/payment_intents/:id/confirm', '/v1/payment_intents/pi_1/cancel')).toBe(false);
    expect(matchesPath('/v1/payment_intents/:id', '/v1/payment_intents/pi_1/confirm')).toBe(false);
    expect(matchesPath('/v1/*', '/v1/customers/cus_1')).toBe(true);
    expect(matchesPath('/v1/customers', '/v1/customers?limit=3')).toBe(true);
  });
});

describe('fault queue', () => {
  it('hits the first armed fault matching method and path, N times, then lets calls through', () => {
    const queue = new FaultQueue<{ type: string }>();
    queue.add({ method: 'post', path: '/v1/customers', times: 2, type: 'a' });
    queue.add({ path: '/v1/*', type: 'b' });
    expect(queue.take('GET', '/v1/customers')?.type).toBe('b');
    expect(queue.take('POST', '/v1/customers')?.type).toBe('a');
    expect(queue.pending()).toEqual([{ method: 'post', path: '/v1/customers', times: 2, type: 'a', remaining: 1 }]);
    expect(queue.take('POST', '/v1/customers')?.type).toBe('a');
    expect(queue.take('POST', '/v1/customers')).toBeUndefined();
  });
});

describe('call log', () => {
  it('keeps only the most recent calls', () => {
    const log: number[] = [];
    for (let i = 1; i <= 5; i++) appendCall(log, i, 3);
    expect(log).toEqual([3, 4, 5]);
  });
});
