import { createAnthropicEmulator, type AnthropicEmulator } from './anthropic/app.ts';
import type { StreamPacing } from './anthropic/pacing.ts';
import { stripePaymentLookup } from './payment-lookup.ts';
import { serveApp } from './shared/serve-app.ts';
import { createStripeEmulator, type StripeEmulator } from './stripe/app.ts';
import type { WebhookTarget } from './stripe/webhooks.ts';

export { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY } from './keys.ts';
export { parsePacing, type StreamPacing } from './anthropic/pacing.ts';
export type { StripeFaultRule } from './stripe/faults.ts';
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  stripePort?: number;
  anthropicPort?: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  hostname?: string;
  /** Pause between streamed Claude events, so a terminal shows text arriving (default 0). */
  streamChunkDelayMs?: number;
  /** Deliver each Stripe event, signed with `secret`, to `url`, as Stripe delivers to a webhook endpoint. */
  stripeWebhook?: WebhookTarget;
  /** Time to first token and the spread of Claude's text (default: all at once). */
  pacing?: StreamPacing;
}

export interface Sandbox {
  /** Base URL for the Stripe API, e.g. `http://127.0.0.1:49152` (paths start with `/v1`). */
  stripeUrl: string;
  /** Base URL for the Anthropic API (the SDK's `baseURL`). */
  anthropicUrl: string;
  stripe: StripeEmulator;
  anthropic: AnthropicEmulator;
  close(): Promise<void>;
}

/** Starts the Stripe and Claude emulators on loopback; the Claude one can see Stripe's intents. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const stripe = createStripeEmulator({ webhook: options.stripeWebhook });
  const anthropic = createAnthropicEmulator({
    lookup: stripePaymentLookup(stripe),
    streamChunkDelayMs: options.streamChunkDelayMs,
    pacing: options.pacing,
  });
  const hostname = options.hostname ?? '127.0.0.1';
  const stripeServer = await serveApp(stripe.fetch, { port: options.stripePort, hostname });
  const anthropicServer = await serveApp(anthropic.fetch, { port: options.anthropicPort, hostname }).catch(
    async (error: unknown) => {
      await stripeServer.close();
      throw error;
    },
  );
  return {
    stripeUrl: stripeServer.url,
    anthropicUrl: anthropicServer.url,
    stripe,
    anthropic,
    close: async () => {
      await Promise.all([stripeServer.close(), anthropicServer.close()]);
    },
  };
}
