// What a resumed run takes from the stored events of the process before it: which visits' keyed POSTs may have acted.
import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../src/events/run-event.ts';
import { sentVisits } from '../../src/machine/resumed-visits.ts';

const KEY = { 'Idempotency-Key': 'run:confirm:1' };
const URL_ = 'https://api.stripe.com/v1/payment_intents/pi_1';
const stored = (...bodies: RunEventBody[]): RunEvent[] =>
  bodies.map((body, index) => ({
    ...body,
    runId: 'run',
    seq: index + 1,
    at: new Date(Date.UTC(2026, 11, 3, 9, 0, index)).toISOString(),
  })) as RunEvent[];

const started = (visit = 1): RunEventBody => ({
  type: 'node.started',
  node: 'confirm',
  nodeType: 'api',
  visit,
  attempt: 1,
});
const post = (attempt: number, headers: Record<string, string> = KEY): RunEventBody => ({
  type: 'node.request',
  node: 'confirm',
  method: 'POST',
  url: `${URL_}/confirm`,
  attempt,
  headers,
});
const read = (attempt: number): RunEventBody => ({
  type: 'node.request',
  node: 'confirm',
  method: 'GET',
  url: URL_,
  attempt,
});
const answer = (status: number): RunEventBody => ({ type: 'node.response', node: 'confirm', status, durationMs: 1 });
const retrying = (attempt: number, indeterminate: boolean): RunEventBody => ({
  type: 'node.retrying',
  node: 'confirm',
  attempt,
  delayMs: 0,
  error: { message: 'x', code: 'x', retryable: true, ...(indeterminate ? { indeterminate } : {}) },
});

describe('sentVisits', () => {
  it('counts a keyed POST with no stored answer as in doubt, from when it was sent', () => {
    const events = stored(started(), post(1));
    expect(sentVisits(events)).toEqual(new Map([['confirm:1', { since: Date.parse(events[1].at), attempts: 1 }]]));
  });

  it('does not count a POST answered definitely (a 429) whose next attempt was never stored, so never sent', () => {
    expect(sentVisits(stored(started(), post(1), answer(429), retrying(2, false)))).toEqual(new Map());
  });

  it('keeps in doubt a visit one of whose attempts answered 5xx, whatever came after', () => {
    const events = stored(
      started(),
      post(1),
      answer(500),
      retrying(2, true),
      read(2),
      answer(500),
      post(2),
      answer(429),
    );
    expect(sentVisits(events).get('confirm:1')).toEqual({ since: Date.parse(events[1].at), attempts: 2 });
    expect(sentVisits(stored(started(), post(1), answer(500))).has('confirm:1')).toBe(true);
  });

  it('does not let the answer to a reconcile read stand for the POST sent before it', () => {
    expect(sentVisits(stored(started(), post(1), read(2), answer(200))).has('confirm:1')).toBe(true);
  });

  it('leaves out visits that ended, POSTs without a key, and answers of another visit', () => {
    const ended: RunEventBody = { type: 'node.completed', node: 'confirm', visit: 1, durationMs: 1, outputs: {} };
    expect(sentVisits(stored(started(), post(1), ended))).toEqual(new Map());
    expect(sentVisits(stored(started(), post(1, {})))).toEqual(new Map());
    expect([...sentVisits(stored(started(1), post(1), answer(402), started(2), post(1))).keys()]).toEqual([
      'confirm:2',
    ]);
  });
});
