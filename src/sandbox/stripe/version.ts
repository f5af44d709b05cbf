import { invalidRequest } from './errors.ts';

/**
 * Stripe's published API versions (https://docs.stripe.com/upgrades): a `Stripe-Version` header
 * naming any other is refused, as Stripe refuses it. Objects are answered in the shape of
 * 2024-04-10, the version the engine pins, whatever version is asked for.
 */
const KNOWN_VERSIONS = new Set([
  '2017-08-15',
  '2018-02-28',
  '2018-05-21',
  '2018-09-24',
  '2018-11-08',
  '2019-02-19',
  '2019-03-14',
  '2019-05-16',
  '2019-08-14',
  '2019-09-09',
  '2019-10-08',
  '2019-10-17',
  '2019-11-05',
  '2019-12-03',
  '2020-03-02',
  '2020-08-27',
  '2022-08-01',
  '2022-11-15',
  '2023-08-16',
  '2023-10-16',
  '2024-04-10',
  '2024-06-20',
  '2024-09-30.acacia',
  '2024-10-28.acacia',
  '2024-11-20.acacia',
  '2024-12-18.acacia',
  '2025-01-27.acacia',
  '2025-02-24.acacia',
  '2025-03-31.basil',
  '2025-04-30.basil',
  '2025-05-28.basil',
  '2025-06-30.basil',
  '2025-07-30.basil',
  '2025-08-27.basil',
  '2025-09-30.clover',
  '2025-10-29.clover',
  '2025-11-17.clover',
  '2025-12-15.clover',
  '2026-01-28.clover',
  '2026-02-25.clover',
]);

export function isKnownStripeVersion(version: string): boolean {
  return KNOWN_VERSIONS.has(version);
}

export function checkStripeVersion(version: string | undefined): void {
  if (version === undefined || KNOWN_VERSIONS.has(version)) return;
  throw invalidRequest(`Invalid Stripe API version: ${version}`);
}
