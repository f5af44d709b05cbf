// The `api` executor: plain HTTP, or Stripe's typed client when the URL is Stripe's.
import { NodeError, type Executor, type NodeExecution, type NodeResult } from '../executor.ts';
import { extractOutputs, OutputError } from '../../osop/outputs.ts';
import { createStripeClient, STRIPE_DEFAULT_BASE, type StripeClient } from '../stripe/client.ts';
import { sendStripe } from '../stripe/call.ts';
import { stripePathname } from '../stripe/routing.ts';
import { sendHttp, type FetchLike } from './http.ts';
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

/**
 * Outputs: every declared mapping (`customer_id: data.id`, `response_mapping`), plus `data` (the
 * parsed body) and `status` (the HTTP status) unless the node declares outputs of those names.
 */
const apiOutputs = (execution: NodeExecution, envelope: ApiEnvelope): Record<string, unknown> => {
  try {
    return { data: envelope.data, status: envelope.status, ...extractOutputs(execution.node.outputs, envelope) };
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    throw new NodeError(`api node "${execution.node.id}": ${error.message}`, {
      code: 'output_extraction',
      status: envelope.status,
      cause: error,
    });
  }
};

export const createApiExecutor = (options: ApiExecutorOptions = {}): Executor => {
  const stripeBase = options.stripe?.baseUrl ?? STRIPE_DEFAULT_BASE;
  let stripeClient: StripeClient | undefined;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  return async (execution: NodeExecution): Promise<NodeResult> => {
    const request = parseApiRequest(execution.node, execution.runtime);
    const pathname = stripePathname(request.url, stripeBase);
    let envelope: ApiEnvelope;
    if (pathname === undefined) {
      envelope = await sendHttp(request, execution, fetchImpl);
    } else {
      stripeClient ??= createStripeClient(stripeBase, options.fetch);
      envelope = await sendStripe(request, execution, {
        client: stripeClient,
        baseUrl: stripeBase,
        pathname,
        apiKey: options.stripe?.apiKey,
      });
    }
    return { outputs: apiOutputs(execution, envelope) };
  };
};
