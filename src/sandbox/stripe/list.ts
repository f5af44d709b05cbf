import { invalidRequest } from './errors.ts';
import type { Params } from './form.ts';
import { optionalInteger, optionalString } from './params.ts';
import type { StripeList } from './types.ts';

/** Stripe's list envelope: newest first, `limit` (1–100, default 10), `starting_after` cursor. */
export function listOf<T extends { id: string }>(items: T[], params: Params, url: string): StripeList<T> {
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidRequest('Invalid limit: must be between 1 and 100', { param: 'limit' });
  const newestFirst = [...items].reverse();
  const after = optionalString(params, 'starting_after');
  const start = after === undefined ? 0 : newestFirst.findIndex((item) => item.id === after) + 1;
  const page = newestFirst.slice(start, start + limit);
  return { object: 'list', data: page, has_more: start + limit < newestFirst.length, url };
}
