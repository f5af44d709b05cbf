import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/osop/expression.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { resolveTemplate } from '../../src/osop/template.ts';
import { extractOutputs } from '../../src/osop/outputs.ts';
import type { ExpressionScope, Workflow } from '../../src/osop/workflow.ts';

const SEED = 'examples/stripe-payment-seed.osop.yaml';

async function seed(): Promise<Workflow> {
  const result = await loadWorkflowFile(SEED);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.workflow!;
}

function scope(outputs: ExpressionScope['outputs']): ExpressionScope {
  return { inputs: {}, outputs, metadata: {}, env: {}, nodes: {} };
}

describe('the seed workflow', () => {
  it('normalizes to 5 nodes and 5 edges, entered at create_customer', async () => {
    const workflow = await seed();
    expect(workflow.nodes.map((node) => node.id)).toEqual([
      'create_customer',
      'create_intent',
      'confirm_payment',
      'check_status',
      'send_receipt',
    ]);
    expect(workflow.edges.map((edge) => `${edge.from}→${edge.to}:${edge.mode}`)).toEqual([
      'create_customer→create_intent:sequential',
      'create_intent→confirm_payment:sequential',
      'confirm_payment→check_status:sequential',
      'check_status→send_receipt:conditional',
      'confirm_payment→create_intent:fallback',
    ]);
    expect(workflow.start).toEqual(['create_customer']);
    expect(workflow.secrets).toEqual(['STRIPE_SECRET_KEY']);
  });

  it('loads without warnings', async () => {
    const result = await loadWorkflowFile(SEED);
    expect(result.diagnostics).toEqual([]);
  });

  it('guards check_status → send_receipt with outputs.check_status.status == "succeeded"', async () => {
    const edge = (await seed()).edges.find((candidate) => candidate.to === 'send_receipt')!;
    expect(edge.when?.source).toBe("check_status.status == 'succeeded'");
    expect(edge.when?.position).toMatchObject({ line: 90, col: 16 });
    for (const status of ['succeeded', 'requires_action', 'processing']) {
      expect(edge.when!.evaluate(scope({ check_status: { status } }))).toBe(status === 'succeeded');
    }
  });

  it('evaluates exactly like outputs.check_status.status == "succeeded" on any status', async () => {
    const edge = (await seed()).edges.find((candidate) => candidate.to === 'send_receipt')!;
    const reference = compileExpression("outputs.check_status.status == 'succeeded'", edge.when!.position, {
      nodeIds: ['check_status'],
    }).expression!;
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('succeeded', 'processing', 'requires_action', 'canceled'), fc.string()),
        (status) => {
          const state = scope({ check_status: { status } });
          expect(edge.when!.evaluate(state)).toBe(reference.evaluate(state));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("binds create_intent's body customer to outputs.create_customer.customer_id", async () => {
    const node = (await seed()).nodes.find((candidate) => candidate.id === 'create_intent')!;
    const body = node.runtime.body;
    expect(body.kind === 'map' && body.entries.customer).toEqual({
      kind: 'ref',
      ref: { namespace: 'outputs', path: ['create_customer', 'customer_id'], source: 'create_customer.customer_id' },
    });
    const values = {
      inputs: {},
      outputs: { create_customer: { customer_id: 'cus_42' } },
      secrets: {},
      env: {},
      metadata: {},
    };
    expect(resolveTemplate(body, values)).toEqual({ amount: 2000, currency: 'usd', customer: 'cus_42' });
  });

  it('joins url and endpoint', async () => {
    const node = (await seed()).nodes.find((candidate) => candidate.id === 'confirm_payment')!;
    const values = {
      inputs: {},
      outputs: { create_intent: { intent_id: 'pi_7' } },
      secrets: {},
      env: {},
      metadata: {},
    };
    expect(resolveTemplate(node.runtime.url, values)).toBe('https://api.stripe.com/v1/payment_intents/pi_7/confirm');
    expect(node.runtime.endpoint).toBeUndefined();
  });

  it('extracts customer_id ← data.id from the create_customer response', async () => {
    const node = (await seed()).nodes.find((candidate) => candidate.id === 'create_customer')!;
    expect(node.outputs.map((output) => output.name)).toEqual(['customer_id']);
    expect(node.outputs[0].extract).toMatchObject({ kind: 'cel', expression: { source: 'data.id' } });
    expect(
      extractOutputs(node.outputs, { data: { id: 'cus_9', object: 'customer' }, status: 200, headers: {} }),
    ).toEqual({ customer_id: 'cus_9' });
  });

  it('gives every node the default cycle bound of 3', async () => {
    expect((await seed()).nodes.every((node) => node.maxIterations === 3)).toBe(true);
  });
});
