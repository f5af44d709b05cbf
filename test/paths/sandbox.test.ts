// --sandbox: the seed's paths driven through the real Stripe/Claude adapters against the emulators.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import type { PathCheck } from '../../src/paths/check-run.ts';
import { withSandboxRunner } from '../../src/paths/sandbox-runner.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import { buildWorkflow } from './build-workflow.ts';

const SEED = resolve(import.meta.dirname, '../../examples/stripe-payment-seed.osop.yaml');
const nodes = (check: PathCheck) => check.path.steps.map((step) => step.node).join(' → ');

describe('sandbox-level path tests on the seed', () => {
  let checks: PathCheck[];
  beforeAll(async () => {
    const seed: Workflow = (await loadWorkflowFile(SEED)).workflow!;
    const { report, undriven } = await withSandboxRunner(seed, (runner) => testPaths(seed, { max: 5, runner }));
    expect(undriven).toEqual([]);
    checks = report.checks;
  }, 60_000);

  it('drives the happy path to the receipt, retrying one injected 500 on the way', () => {
    const happy = checks.find(
      (check) =>
        nodes(check).endsWith('check_status → send_receipt') &&
        check.path.status === 'COMPLETED' &&
        check.path.steps.length === 5,
    );
    expect(happy?.problems).toEqual([]);
    expect(happy?.drivenBy).toContain('one injected 500, retried');
  });

  it('drives status not succeeded with an authentication-required card: COMPLETED, no receipt', () => {
    const pending = checks.find((check) => check.path.status === 'COMPLETED' && !nodes(check).includes('send_receipt'));
    expect(pending?.problems).toEqual([]);
    expect(pending?.drivenBy).toContain('pm_card_authenticationRequired');
  });

  it('drives a confirm failure with a declined card, then the fallback to a new intent', () => {
    const declined = checks.find((check) => check.drivenBy?.includes('confirm_payment: pm_card_chargeDeclined'));
    expect(declined?.problems).toEqual([]);
    expect(declined?.edges).toContainEqual({
      index: 4,
      from: 'confirm_payment',
      to: 'create_intent',
      mode: 'fallback',
    });
  });
});

describe('sandbox-level limits', () => {
  it('lists the paths it cannot drive, with the reason', async () => {
    const workflow = buildWorkflow(
      [{ id: 'fetch', runtime: { url: { kind: 'value', value: 'https://api.github.com/repos/x' } } }, 'done'],
      [{ from: 'fetch', to: 'done' }],
    );
    const { report, undriven } = await withSandboxRunner(workflow, (runner) => testPaths(workflow, { runner }));
    expect(report.checks).toEqual([]);
    expect(undriven.length).toBe(report.enumeration.paths.length);
    expect(undriven[0]?.reason).toMatch(/fetch calls https:\/\/api\.github\.com\/repos\/x.*no emulator/);
  });
});
