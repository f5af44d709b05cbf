// idempotency.key against the Stripe emulator: a retry within a visit sends the node's own key again, so a customer
// created before a 500 is not created twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { startRun } from '../../../src/machine/runner.ts';
import { loadWorkflowText } from '../../../src/osop/load.ts';
import { createServiceExecutors, resolveServiceMode, serviceSecrets } from '../../../src/services/service-endpoints.ts';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start.ts';

const WORKFLOW = `
osop_version: "1.0"
id: keyed-customer
name: One customer per order
inputs:
  - { name: order_id, type: string }
nodes:
  - id: create_customer
    type: api
    runtime:
      method: POST
      url: https://api.stripe.com
      endpoint: /v1/customers
      headers: { Authorization: "Bearer \${secrets.STRIPE_SECRET_KEY}" }
      body: { email: "buyer@example.com" }
    idempotency: { key: "customer-\${inputs.order_id}" }
edges: []
`;

let sandbox: Sandbox;
const modes = resolveServiceMode({});
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.stripe.reset());

describe('idempotency.key on a retried Stripe POST', () => {
  it('sends the same key on the retry after a 500, and Stripe keeps one customer', async () => {
    const { workflow } = loadWorkflowText(WORKFLOW, 'keyed.osop.yaml');
    // The customer is created, then the answer is a 500: the retry must not create a second one.
    sandbox.stripe.addFault({ path: '/v1/customers', type: 'server_error', when: 'after' });
    const events: RunEvent[] = [];
    const result = await startRun({
      workflow: workflow!,
      inputs: { order_id: 'o-5' },
      executors: createServiceExecutors({ mode: modes, sandbox, env: {} }),
      secrets: serviceSecrets(modes, {}),
      random: () => 0,
      onEvent: (event) => events.push(event),
    }).done;
    expect(result.status).toBe('COMPLETED');
    const keys = events.flatMap((event) => (event.type === 'node.request' ? [event.headers?.['Idempotency-Key']] : []));
    expect(keys).toEqual(['customer-o-5', 'customer-o-5']);
    expect(sandbox.stripe.state().customers).toHaveLength(1);
  });
});
