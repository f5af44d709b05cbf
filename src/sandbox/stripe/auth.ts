import { authenticationFailed } from './errors.ts';

const NO_KEY =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

/** Accepts any test secret key (`sk_test_...`), as Bearer or as the Basic-auth user name. */
export function checkStripeKey(authorization: string | undefined): void {
  const key = keyFrom(authorization);
  if (!key) throw authenticationFailed(NO_KEY);
  if (!/^sk_test_[A-Za-z0-9_]+$/.test(key)) {
    throw authenticationFailed(`Invalid API Key provided: ${redact(key)}`);
  }
}

function keyFrom(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value || undefined;
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

/** Like Stripe, shows at most the last four characters of a key. */
function redact(key: string): string {
  const tail = key.length > 12 ? key.slice(-4) : '';
  return `${'*'.repeat(Math.max(8, key.length - tail.length))}${tail}`;
}
