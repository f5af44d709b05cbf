// POST /api/runs with "dryRun": the sample inputs it needs, the plan (happy path or "path": N), a 400 for a bad path.
import { ApiError } from '../api-error.ts';
import type { StartInputs } from '../start-inputs.ts';
import type { Workflow } from '../../osop/workflow.ts';
import { isRecord } from '../../util/is-record.ts';
import {
  DryRunPlanError,
  dryRunInputs,
  planDryRunInSlices,
  sampleInputsFor,
  type DryRunPlan,
} from '../../paths/dry-run-plan.ts';

interface ServerDryRun {
  /** The request's inputs with samples for the optional ones it leaves out that have no default. */
  given: StartInputs;
  /**
   * Once the inputs are checked: the plan, and the inputs the run starts with. Planned in slices: the paths of a big
   * workflow take seconds to find, and other requests go on meanwhile.
   */
  plan(checked: Record<string, unknown>): Promise<{ plan: DryRunPlan; inputs: Record<string, unknown> }>;
}

export function serverDryRun(workflow: Workflow, given: StartInputs, path: number | undefined): ServerDryRun {
  const typed = isRecord(given.inputs) ? given.inputs : {};
  const text = isRecord(given.inputText) ? given.inputText : {};
  const named = new Set([...Object.keys(typed), ...Object.keys(text)]);
  return {
    given: { ...given, inputs: { ...sampleInputsFor(workflow, named), ...typed } },
    plan: async (checked) => {
      const chosen = Object.fromEntries(Object.entries(checked).filter(([name]) => named.has(name)));
      try {
        const plan = await planDryRunInSlices(workflow, { ...(path !== undefined ? { path } : {}), given: chosen });
        return { plan, inputs: dryRunInputs(plan, checked, named) };
      } catch (failure) {
        if (failure instanceof DryRunPlanError)
          throw new ApiError(400, 'unknown-path', failure.message.replace(/^--path/, 'path'));
        throw failure;
      }
    },
  };
}
