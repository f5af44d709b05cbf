import { describe, expect, it } from 'vitest';
import { EventClock } from '../../src/machine/event-clock.ts';

/** A clock that reads the given times in turn. */
const clockOver = (times: number[]): EventClock => {
  let index = 0;
  return new EventClock(() => times[index++]);
};

describe('EventClock', () => {
  it('spells every time as toISOString does, across milliseconds, seconds, days and years', () => {
    const base = Date.parse('2026-12-31T23:59:58.990Z');
    const times = [
      base,
      base,
      base + 1,
      base + 9,
      base + 10,
      base + 99,
      base + 100,
      base + 1009, // the next second
      base + 1010, // 2027, the next year
      base + 1010,
      base + 61_000,
      base - 86_400_000, // back a day
      0,
      -1,
      -999,
      -1000,
      -1001,
      1.9, // a Date truncates
      -0.5,
      -1.5,
      Date.parse('+275760-09-13T00:00:00.000Z'),
      Date.parse('-271821-04-20T00:00:00.000Z'),
      Date.parse('0000-01-01T00:00:00.123Z'),
    ];
    const clock = clockOver(times);
    for (const time of times) expect(clock.iso()).toBe(new Date(time).toISOString());
  });

  it('throws for a time no Date can hold, as toISOString does', () => {
    for (const time of [Number.NaN, 8.64e15 + 1, -8.64e15 - 500, Number.POSITIVE_INFINITY]) {
      const clock = clockOver([Date.parse('2026-01-01T00:00:00Z'), time]);
      clock.iso();
      expect(() => clock.iso()).toThrow(RangeError);
    }
  });

  it('spells a run of times as they come, whichever the order', () => {
    const start = Date.parse('2026-06-01T12:00:00.000Z');
    const times = Array.from({ length: 2000 }, (_, index) => start + Math.floor(Math.sin(index) * 5000) + index * 7);
    const clock = clockOver(times);
    expect(times.map(() => clock.iso())).toEqual(times.map((time) => new Date(time).toISOString()));
  });
});
