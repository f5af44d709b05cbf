/** The key live clients send in sandbox mode; the Stripe sandbox accepts any `sk_test_...`. */
export const SANDBOX_STRIPE_KEY = 'sk_test_sandbox';

/** The key live clients send in sandbox mode; the Claude sandbox accepts any non-empty key. */
export const SANDBOX_ANTHROPIC_KEY = 'sk-ant-sandbox';
