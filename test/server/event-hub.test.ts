import { describe, expect, it } from 'vitest';
import { EventHub, type Subscription } from '../../src/server/event-hub.ts';
import type { RunEvent } from '../../src/events/run-event.ts';

const skipped = (runId: string, seq: number): RunEvent => ({
  type: 'node.skipped',
  node: `n${seq}`,
  runId,
  seq,
  at: '2026-01-01T00:00:00.000Z',
});

const drain = async (subscription: Subscription): Promise<number[]> => {
  const seqs: number[] = [];
  for (let event = await subscription.next(); event; event = await subscription.next()) seqs.push(event.seq);
  return seqs;
};

describe('EventHub', () => {
  it('delivers a run’s events in order to every subscriber of that run only', async () => {
    const hub = new EventHub();
    const a = hub.subscribe('r1');
    const b = hub.subscribe('r1');
    const other = hub.subscribe('r2');
    for (let seq = 1; seq <= 5; seq++) hub.publish(skipped('r1', seq));
    hub.end('r1');
    expect(await drain(a)).toEqual([1, 2, 3, 4, 5]);
    expect(await drain(b)).toEqual([1, 2, 3, 4, 5]);
    expect(a.endReason).toBe('ended');
    expect(hub.subscriberCount('r2')).toBe(1);
    other.close();
    expect(await other.next()).toBeUndefined();
    expect(hub.subscriberCount('r2')).toBe(0);
  });

  it('drops a subscriber that stops reading once its buffer overflows, while a reading one gets everything', async () => {
    const hub = new EventHub({ bufferSize: 3 });
    const slow = hub.subscribe('r1');
    const fast = hub.subscribe('r1');
    const received: number[] = [];
    const reading = (async () => {
      for (let event = await fast.next(); event; event = await fast.next()) received.push(event.seq);
    })();
    for (let seq = 1; seq <= 10; seq++) {
      hub.publish(skipped('r1', seq));
      await Promise.resolve();
    }
    hub.end('r1');
    await reading;
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(slow.endReason).toBe('dropped');
    expect(await slow.next()).toBeUndefined();
  });

  it('wakes a subscriber waiting for the next event', async () => {
    const hub = new EventHub();
    const sub = hub.subscribe('r1');
    const pending = sub.next();
    hub.publish(skipped('r1', 1));
    expect((await pending)?.seq).toBe(1);
  });

  it('hands over everything buffered at once with drain(), then waits again', async () => {
    const hub = new EventHub();
    const sub = hub.subscribe('r1');
    for (let seq = 1; seq <= 4; seq++) hub.publish(skipped('r1', seq));
    expect((await sub.next())?.seq).toBe(1);
    expect(sub.drain().map((event) => event.seq)).toEqual([2, 3, 4]);
    expect(sub.drain()).toEqual([]);
    const pending = sub.next();
    hub.publish(skipped('r1', 5));
    expect((await pending)?.seq).toBe(5);
  });
});
