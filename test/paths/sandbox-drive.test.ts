// Choosing how to drive each path through the emulators, before anything runs.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import type { WorkflowPath } from '../../src/paths/path.ts';
import { describePlan, planDrives } from '../../src/paths/sandbox-drive.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/stripe-payment.osop.yaml');
const RELEASE = resolve(import.meta.dirname, '../fixtures/release-train.osop.yaml');
const nodes = (path: WorkflowPath) => path.steps.map((step) => step.node).join(' → ');

describe('planDrives', () => {
  it('picks test cards for the spec-dialect payment example (status read through JSONPath)', async () => {
    const workflow = (await loadWorkflowFile(EXAMPLE)).workflow!;
    const { paths } = enumeratePaths(workflow);
    const plans = paths.map((path) => ({ path, plan: planDrives(workflow, path) }));
    expect(plans.filter(({ plan }) => !plan.drives).map(({ path, plan }) => [nodes(path), plan.reason])).toEqual([]);
    const pending = plans.find(
      ({ path }) =>
        path.status === 'COMPLETED' &&
        nodes(path) === 'create_customer → create_intent → confirm_payment → check_status',
    )!;
    expect(describePlan(pending.path, pending.plan.drives!)).toBe('confirm_payment: pm_card_authenticationRequired');
    const declinedThrice = plans.find(({ path }) => path.error?.includes('cycle limit'))!;
    expect(describePlan(declinedThrice.path, declinedThrice.plan.drives!)).toBe(
      'confirm_payment: pm_card_chargeDeclined; confirm_payment #2: pm_card_chargeDeclined; confirm_payment #3: pm_card_chargeDeclined',
    );
  });

  it('says why a path cannot be driven: an answer Claude cannot be made to give, a host with no emulator', async () => {
    const workflow = (await loadWorkflowFile(RELEASE)).workflow!;
    const reasons = enumeratePaths(workflow).paths.map((path) => planDrives(workflow, path).reason ?? '');
    expect(
      reasons.some((reason) =>
        /^plan answering with risk = [^;]*the Claude emulator's reply cannot be chosen/.test(reason),
      ),
    ).toBe(true);
    expect(
      reasons.some((reason) =>
        reason.includes('announce calls https://hooks.example.com/release, which has no emulator'),
      ),
    ).toBe(true);
  });
});
