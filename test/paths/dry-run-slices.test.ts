import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { planDryRun, planDryRunInSlices } from '../../src/paths/dry-run-plan.ts';
import { buildWorkflow } from './build-workflow.ts';
import { turnsDuring } from '../support/event-loop.ts';

/** n1 → … → n40: each node may fail, so 41 paths and a few hundred moves to walk. */
const chain = buildWorkflow(
  Array.from({ length: 40 }, (_, index) => `n${index + 1}`),
  Array.from({ length: 39 }, (_, index) => ({ from: `n${index + 1}`, to: `n${index + 2}` })),
);

describe('a dry run planned in slices (the server)', () => {
  it('gives the event loop turns while it finds the paths, so other requests go on', async () => {
    // The plan at once holds the loop for all of it; in slices (here: a turn after every step) it does not.
    expect(await turnsDuring(async () => planDryRun(chain))).toBe(0);
    expect(await turnsDuring(() => planDryRunInSlices(chain, {}, { sliceMs: 0 }))).toBeGreaterThan(40);
  });

  it('plans what the CLI plans: the same path, words and inputs', async () => {
    const { workflow } = await loadWorkflowFile('examples/stripe-payment-seed.osop.yaml');
    for (const [subject, options] of [
      [chain, {}],
      [workflow!, {}],
      [workflow!, { path: 2 }],
    ] as const) {
      const atOnce = planDryRun(subject, options);
      const sliced = await planDryRunInSlices(subject, options, { sliceMs: 0 });
      expect({ path: sliced.path, describe: sliced.describe, inputs: sliced.inputs }).toEqual({
        path: atOnce.path,
        describe: atOnce.describe,
        inputs: atOnce.inputs,
      });
      expect(sliced.path?.steps.length).toBeGreaterThan(0);
    }
  });

  it('refuses a path the workflow does not have, as the CLI does', async () => {
    await expect(planDryRunInSlices(chain, { path: 999 })).rejects.toThrow(/has no path 999/);
  });
});
