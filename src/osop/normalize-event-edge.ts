// What an `event` edge waits for, from keys the schema allows on an edge: `x-event` (else `label`, else the target's
// id) and `x-timeout` / `x-timeout_sec`. `spawn_count` on a `spawn` edge is kept, and warned about (not enforced).
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { parseDuration } from './normalize-policy.ts';
import type { EdgeEvent, EdgeMode } from './workflow.ts';

const EVENT_KEYS = ['x-event', 'x-timeout', 'x-timeout_sec'];

function timeoutOf(raw: Raw, path: DocPath, context: NormalizeContext): number | undefined {
  if (raw['x-timeout_sec'] !== undefined) {
    const seconds = raw['x-timeout_sec'];
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
    context.sink.error({
      code: 'invalid-timeout',
      path: [...path, 'x-timeout_sec'],
      message: 'x-timeout_sec must be a number of seconds > 0',
      suggestion: 'write e.g. x-timeout_sec: 30, or leave it out to wait until the event comes',
    });
    return undefined;
  }
  if (raw['x-timeout'] === undefined) return undefined;
  const ms = parseDuration(raw['x-timeout']);
  if (ms !== undefined && ms > 0) return ms;
  context.sink.error({
    code: 'invalid-timeout',
    path: [...path, 'x-timeout'],
    message: `cannot read x-timeout ${JSON.stringify(raw['x-timeout'])} as a duration > 0`,
    suggestion: 'write a duration such as "30s", "10m" or "24h"',
  });
  return undefined;
}

/** The event an `event` edge waits for; undefined on other modes (where its keys get a warning). */
export function eventOfEdge(
  raw: Raw,
  path: DocPath,
  mode: EdgeMode | undefined,
  to: string | undefined,
  context: NormalizeContext,
): EdgeEvent | undefined {
  if (mode !== 'event') {
    const stray = EVENT_KEYS.filter((key) => raw[key] !== undefined);
    if (stray.length > 0)
      context.sink.warning({
        code: 'ignored-event-keys',
        path: [...path, stray[0]],
        message: `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} read on event edges only; this ${mode ?? 'sequential'} edge ignores ${stray.length > 1 ? 'them' : 'it'}`,
        suggestion: 'use mode: event for an edge whose target waits for an event',
      });
    return undefined;
  }
  const named = raw['x-event'];
  if (named !== undefined && (typeof named !== 'string' || named.trim() === '')) {
    context.sink.error({
      code: 'invalid-event',
      path: [...path, 'x-event'],
      message: 'x-event must be the name of the event the target waits for (a non-empty string)',
    });
    return undefined;
  }
  const label = typeof raw.label === 'string' && raw.label.trim() !== '' ? raw.label.trim() : undefined;
  const name = (typeof named === 'string' ? named.trim() : undefined) ?? label ?? to;
  if (name === undefined) return undefined;
  const timeoutMs = timeoutOf(raw, path, context);
  return { name, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

/** `spawn_count` (the schema: how many child agents): kept on the edge, with one warning that it is not enforced. */
export function spawnCountOf(
  raw: Raw,
  path: DocPath,
  mode: EdgeMode | undefined,
  context: NormalizeContext,
): number | undefined {
  if (raw.spawn_count === undefined) return undefined;
  const count = raw.spawn_count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    context.sink.error({
      code: 'invalid-spawn-count',
      path: [...path, 'spawn_count'],
      message: 'spawn_count must be a whole number ≥ 1',
    });
    return undefined;
  }
  context.sink.warning({
    code: 'recorded-not-enforced',
    path: [...path, 'spawn_count'],
    message:
      mode === 'spawn'
        ? `spawn_count ${count} is recorded, not enforced: the spawned branch runs once`
        : `spawn_count is read on spawn edges only; this ${mode ?? 'sequential'} edge ignores it`,
    suggestion: 'to run a branch several times, use a for_each loop edge',
  });
  return mode === 'spawn' ? count : undefined;
}
