// Stripe counts amounts in a currency's smallest unit; for these currencies that unit is the whole one.
// https://docs.stripe.com/currencies#zero-decimal
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** How many minor units one major unit has (100 for usd, 1 for jpy), as Stripe counts them. */
export const minorUnitsPerMajor = (currency: string): number => (ZERO_DECIMAL.has(currency.toLowerCase()) ? 1 : 100);
