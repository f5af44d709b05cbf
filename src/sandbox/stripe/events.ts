import { MAX_RECORDED_CALLS } from '../shared/call-log.ts';
import { randomId, unixSeconds } from '../shared/ids.ts';
import { pathObjectMissing } from './errors.ts';
import { listOf } from './list.ts';
import type { Operation } from './operation.ts';
import { optionalString, optionalStringList } from './params.ts';
import type { StripeStore } from './store.ts';
import { objectTemplate, stripeTables } from './tables.ts';
import type { StripeEvent } from './types.ts';

export interface EventSource {
  requestId: string;
  idempotencyKey: string | null;
  pendingWebhooks: number;
}

/** A Stripe event carrying a snapshot of the object as it is now. */
export function recordEvent(
  store: StripeStore,
  type: string,
  object: { id: string; object: string },
  previous: Record<string, unknown> | undefined,
  source: EventSource,
  now: Date,
): StripeEvent {
  const event: StripeEvent = {
    ...objectTemplate('event'),
    id: randomId('evt_1', 24),
    object: 'event',
    api_version: stripeTables().version,
    created: unixSeconds(now),
    data: { object: structuredClone(object), ...(previous ? { previous_attributes: structuredClone(previous) } : {}) },
    livemode: false,
    pending_webhooks: source.pendingWebhooks,
    request: { id: source.requestId, idempotency_key: source.idempotencyKey },
    type,
  };
  store.events.set(event.id, event);
  // Like the call log, keep the most recent events only, so a long benchmark does not grow without bound.
  const oldest = store.events.keys().next();
  if (store.events.size > MAX_RECORDED_CALLS && !oldest.done) store.events.delete(oldest.value);
  return event;
}

export const retrieveEvent: Operation = ({ store, path }) => {
  const event = store.events.get(path.id);
  if (!event) throw pathObjectMissing('event', path.id);
  return event;
};

export const listEvents: Operation = ({ store, params }) => {
  const type = optionalString(params, 'type');
  const types = optionalStringList(params, 'types');
  const matches = (event: StripeEvent) =>
    (type === undefined || globMatch(type, event.type)) && (types.length === 0 || types.includes(event.type));
  return listOf([...store.events.values()].filter(matches), params, '/v1/events');
};

/** `type=charge.*` matches every charge event, as in Stripe. */
function globMatch(pattern: string, type: string): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
