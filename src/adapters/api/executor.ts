// The `api` executor: plain HTTP, or Stripe's typed client when the URL is Stripe's.
import { NodeError, type Executor, type NodeExecution, type NodeResult } from '../executor.ts';
import { createStripeClient, STRIPE_DEFAULT_BASE, type StripeClient } from '../stripe/client.ts';
import { sendStripe } from '../stripe/call.ts';
import { shownStripeBase, stripePathname } from '../stripe/routing.ts';
import { sendHttp, type FetchLike } from './http.ts';
import { hasSideEffects } from './errors.ts';
import { answerOutputs } from './outputs.ts';
import { parseApiRequest } from './request.ts';
import type { ApiEnvelope } from './types.ts';

export interface ApiExecutorOptions {
  stripe?: {
    /** Where Stripe calls go: STRIPE_API_BASE, the sandbox, or https://api.stripe.com. */
    baseUrl?: string;
    /** Sent as `Bearer <key>` when a Stripe node has no Authorization header. */
    apiKey?: string;
  };
  fetch?: FetchLike;
}

export const createApiExecutor = (options: ApiExecutorOptions = {}): Executor => {
  const stripeBase = options.stripe?.baseUrl ?? STRIPE_DEFAULT_BASE;
  let shownBase: string | undefined;
  let stripeClient: StripeClient | undefined;
  // The global fetch as it is when a call is made (a test may replace it), not when the executor was built.
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  return async (execution: NodeExecution): Promise<NodeResult> => {
    const request = parseApiRequest(execution.node, execution.runtime);
    const pathname = stripePathname(request.url, stripeBase);
    let envelope: ApiEnvelope;
    if (pathname === undefined) {
      envelope = await sendHttp(request, execution, fetchImpl);
    } else {
      stripeClient ??= createStripeClient(stripeBase, fetchImpl);
      envelope = await sendStripe(request, execution, {
        client: stripeClient,
        // Made with the client, at the first Stripe call: a bad base fails that call, not the executor.
        shownBase: (shownBase ??= shownStripeBase(stripeBase)),
        pathname,
        apiKey: options.stripe?.apiKey,
      });
    }
    try {
      return { outputs: answerOutputs(execution.node, envelope) };
    } catch (failure) {
      // The call answered with success: one that changes something (not a read) took effect, and a fallback could
      // act again.
      if (failure instanceof NodeError && hasSideEffects(request.method)) {
        const done = `${failure.message} — the ${request.method} went through (HTTP ${envelope.status}), so no failure edge is taken`;
        throw failure.with({ acted: true }, done);
      }
      throw failure;
    }
  };
};
