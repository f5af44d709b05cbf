import Anthropic from '@anthropic-ai/sdk';
import Stripe from 'stripe';
import { afterAll, beforeEach } from 'vitest';
import { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY, startSandbox, type Sandbox } from '../../src/sandbox/start.ts';

/** One sandbox per test file, reset before each test. */
export function useSandbox(): () => Sandbox {
  let sandbox: Sandbox | undefined;
  const ready = startSandbox().then((started) => (sandbox = started));
  beforeEach(async () => {
    await ready;
    sandbox?.stripe.reset();
    sandbox?.anthropic.reset();
  });
  afterAll(async () => {
    await ready;
    await sandbox?.close();
  });
  return () => {
    if (!sandbox) throw new Error('sandbox not started yet');
    return sandbox;
  };
}

export function stripeClient(sandbox: Sandbox, config: Stripe.StripeConfig = {}, key = SANDBOX_STRIPE_KEY): Stripe {
  const url = new URL(sandbox.stripeUrl);
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', ...config });
}

export function claudeClient(sandbox: Sandbox, options: { maxRetries?: number; apiKey?: string } = {}): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey ?? SANDBOX_ANTHROPIC_KEY,
    baseURL: sandbox.anthropicUrl,
    maxRetries: options.maxRetries ?? 0,
  });
}

/** Raw form POST, to see exactly what the wire carries. */
export function postForm(
  sandbox: Sandbox,
  path: string,
  form: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${sandbox.stripeUrl}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${SANDBOX_STRIPE_KEY}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: form,
  });
}

/** Runs `promise`, expecting it to reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Polls `condition` every 10 ms until it holds (bounded by the test timeout). */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
