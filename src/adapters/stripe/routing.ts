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

/** The last base shown: an executor sends every call to one base, so it is parsed once, not once a call. */
let shown: { baseUrl: string; text: string } | undefined;

/** `http://host/prefix` (no trailing slash) of the Stripe base: how events and messages show where a call went. */
export const shownStripeBase = (baseUrl: string): string => {
  if (shown?.baseUrl !== baseUrl) {
    const base = new URL(baseUrl);
    shown = { baseUrl, text: `${base.origin}${base.pathname.replace(/\/+$/, '')}` };
  }
  return shown.text;
};
