// Which api calls are Stripe calls: the host api.stripe.com, or anything under the configured Stripe base.

const STRIPE_HOST = 'api.stripe.com';

/** The path below Stripe's root (`/v1/customers`) when the URL is a Stripe call, else undefined. */
export const stripePathname = (url: URL, stripeBase: string): string | undefined => {
  if (url.hostname === STRIPE_HOST) return url.pathname;
  const base = new URL(stripeBase);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (url.origin !== base.origin || !url.pathname.startsWith(prefix)) return undefined;
  const rest = url.pathname.slice(prefix.length);
  return rest.startsWith('/') ? rest : undefined;
};

/** `http://host/prefix` (no trailing slash) of the Stripe base: how events and messages show where a call went. */
export const shownStripeBase = (baseUrl: string): string => {
  const base = new URL(baseUrl);
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
};
