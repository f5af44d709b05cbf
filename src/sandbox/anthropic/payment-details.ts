import { toMinorUnits } from './money.ts';

/** Payment facts found in a request; amounts are in minor units, like Stripe's. */
export interface PaymentDetails {
  amount?: number;
  currency?: string;
  email?: string;
  paymentIntent?: string;
  customer?: string;
  name?: string;
  status?: string;
}

/** Fills what the request does not say, e.g. from the Stripe sandbox's own records. */
export type PaymentLookup = (paymentIntentId: string) => PaymentDetails | undefined;

const CODES = 'usd|eur|gbp|jpy|cad|aud|chf|cny|inr|sek|nok|dkk|nzd|sgd|hkd|mxn|brl|krw|pln|twd';
const SYMBOLS: Record<string, string> = { $: 'usd', '€': 'eur', '£': 'gbp', '¥': 'jpy' };
const NUMBER = String.raw`\d[\d,]*(?:\.\d{1,2})?`;

export const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

export function extractPaymentDetails(text: string): PaymentDetails {
  const details: PaymentDetails = {
    email: text.match(EMAIL_PATTERN)?.[0],
    paymentIntent: text.match(/\bpi_[A-Za-z0-9]+/)?.[0],
    customer: text.match(/\bcus_[A-Za-z0-9]+/)?.[0],
    name: field(text, 'name', String.raw`"([^"\n]+)"`),
    status: field(text, 'status', String.raw`"?([a-z_]+)"?`),
    currency: field(text, 'currency', String.raw`"?([A-Za-z]{3})\b"?`)?.toLowerCase(),
  };
  const minor = field(text, 'amount', String.raw`"?(\d+)"?`);
  if (minor !== undefined) details.amount = Number(minor);
  else Object.assign(details, moneyInText(text, details.currency));
  return withoutUndefined(details);
}

/** `$25`, `€12.50`, `25 USD`, `USD 25.00` → minor units and currency. */
export function moneyInText(text: string, knownCurrency?: string): Pick<PaymentDetails, 'amount' | 'currency'> {
  const symbol = text.match(new RegExp(String.raw`([$€£¥])\s?(${NUMBER})`));
  if (symbol) {
    const currency = knownCurrency ?? SYMBOLS[symbol[1]];
    return { amount: toMinorUnits(symbol[2], currency), currency };
  }
  const after = text.match(new RegExp(String.raw`\b(${NUMBER})\s?(${CODES})\b`, 'i'));
  const before = text.match(new RegExp(String.raw`\b(${CODES})\s?(${NUMBER})\b`, 'i'));
  const [major, code] = after ? [after[1], after[2]] : before ? [before[2], before[1]] : [];
  if (major === undefined || code === undefined) return {};
  const currency = code.toLowerCase();
  return { amount: toMinorUnits(major, currency), currency };
}

/** What the prompt says wins, except the intent's status: a prompt may quote several stale ones. */
export function mergeDetails(found: PaymentDetails, lookup: PaymentLookup | undefined): PaymentDetails {
  const known = withoutUndefined((found.paymentIntent && lookup ? lookup(found.paymentIntent) : undefined) ?? {});
  return { ...known, ...found, ...(known.status ? { status: known.status } : {}) };
}

function field(text: string, name: string, value: string): string | undefined {
  return text.match(new RegExp(String.raw`["']?\b${name}["']?\s*[:=]\s*${value}`, 'i'))?.[1];
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
