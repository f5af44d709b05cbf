import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { completed, edges, expectGapless, fail, run, scripted, skipped, started, workflowFrom } from './helpers.ts';

const SEED = 'examples/stripe-payment-seed.osop.yaml';
const seed = async () => workflowFrom(await readFile(SEED, 'utf8'), SEED);

/** A Stripe stand-in: every call succeeds with the ids later nodes interpolate. */
const stripe = {
  create_customer: () => ({ outputs: { customer_id: 'cus_1' } }),
  create_intent: ({ visit }: { visit: number }) => ({
    outputs: { intent_id: `pi_${visit}`, client_secret: `pi_${visit}_secret_x` },
  }),
};

describe('the Stripe payment seed', () => {
  it('compiles to a machine whose states are the node ids, so XState tooling shows the workflow as written', async () => {
    const machine = compileWorkflow(await seed());
    const states = Object.keys(machine.root.states);
    expect(states.slice(0, 5)).toEqual([
      'create_customer',
      'create_intent',
      'confirm_payment',
      'check_status',
      'send_receipt',
    ]);
    expect(machine.root.states.create_intent.invoke[0]).toMatchObject({ id: 'create_intent', src: 'api' });
  });

  it('under --dry-run stops at its conditional (no status): send_receipt SKIPPED, run COMPLETED', async () => {
    const result = await run(await seed(), { dryRun: true, executors: createLocalExecutors({ dryRun: true }) });
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toEqual(['create_customer', 'create_intent', 'confirm_payment', 'check_status']);
    expect(skipped(result.events)).toEqual(['send_receipt']);
    expectGapless(result.events);
  });

  it('with a succeeded payment goes on to the receipt', async () => {
    const result = await run(await seed(), {
      secrets: { STRIPE_SECRET_KEY: 'sk_test_seed' },
      executors: scripted({ ...stripe, check_status: () => ({ outputs: { status: 'succeeded' } }) }),
    });
    expect(edges(result.events).at(-1)).toBe('check_status → send_receipt (conditional)');
    expect(completed(result.events).at(-1)).toBe('send_receipt');
  });

  it('with a declined card falls back to a new intent until the cycle limit, then fails naming card_declined', async () => {
    const result = await run(await seed(), {
      secrets: { STRIPE_SECRET_KEY: 'sk_test_seed' },
      executors: scripted({
        ...stripe,
        confirm_payment: () => fail('Your card was declined.', { code: 'card_declined', status: 402 }),
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(started(result.events).filter((node) => node === 'create_intent')).toHaveLength(3);
    expect(edges(result.events).filter((edge) => edge.includes('fallback'))).toHaveLength(3);
    const final = result.events.at(-1);
    expect(final).toMatchObject({ type: 'run.failed', status: 'FAILED', error: { code: 'cycle_limit' } });
    expect(final?.type === 'run.failed' && final.error.message).toMatch(
      /cycle limit reached at create_intent.*card was declined/,
    );
    expect(skipped(result.events)).toEqual(['check_status', 'send_receipt']);
  });
});
