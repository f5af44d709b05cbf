// POST /api/runs with "dryRun": the plan (happy path or "path": N), the sample inputs it needs, and a 400 for a bad path.
import { ApiError } from '../api-error.ts';
import type { StartInputs } from '../start-inputs.ts';
import type { Workflow } from '../../osop/workflow.ts';
import { isRecord } from '../../util/is-record.ts';
import {
  DryRunPlanError,
  dryRunInputs,
  planDryRun,
  sampleInputsFor,
  type DryRunPlan,
} from '../../paths/dry-run-plan.ts';

interface ServerDryRun {
  plan: DryRunPlan;
  /** The request's inputs with samples for those it leaves out that have no default. */
  given: StartInputs;
  inputsFor(checked: Record<string, unknown>): Record<string, unknown>;
}

export function planServerDryRun(workflow: Workflow, given: StartInputs, path: number | undefined): ServerDryRun {
  const typed = isRecord(given.inputs) ? given.inputs : {};
  const text = isRecord(given.inputText) ? given.inputText : {};
  const named = [...Object.keys(typed), ...Object.keys(text)];
  const filled = { ...given, inputs: { ...sampleInputsFor(workflow, named), ...typed } };
  let plan: DryRunPlan;
  try {
    plan = planDryRun(workflow, { ...(path !== undefined ? { path } : {}), given: typed });
  } catch (failure) {
    if (failure instanceof DryRunPlanError)
      throw new ApiError(400, 'unknown-path', failure.message.replace(/^--path/, 'path'));
    throw failure;
  }
  return { plan, given: filled, inputsFor: (checked) => dryRunInputs(plan, checked, named) };
}
