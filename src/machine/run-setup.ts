// Checked before the first node runs: the inputs (osop's one input check: types, defaults, required) and the secrets.
import { checkInputs } from '../osop/input-schema.ts';
import { missingSecrets } from '../osop/missing-secrets.ts';
import type { RunOptions } from './run-options.ts';

export class RunSetupError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RunSetupError';
    this.problems = problems;
  }
}

/** The inputs the run gets (typed, defaults filled in); throws RunSetupError naming every problem. */
export function checkRunSetup(options: RunOptions): Record<string, unknown> {
  const checked = checkInputs(options.workflow, { json: options.inputs ?? {} });
  const problems = checked.ok
    ? []
    : checked.problems.map((problem) =>
        problem.code === 'missing-input'
          ? `${problem.message}: pass --input ${problem.input}=<value>`
          : problem.message,
      );
  if (!options.dryRun) {
    for (const { secret } of missingSecrets(options.workflow, (name) => Boolean(options.secrets?.[name])))
      problems.push(
        `missing secret ${secret}: set ${secret} in the environment or a .env file, or pass --secret ${secret}=<value>`,
      );
  }
  if (!checked.ok || problems.length > 0) throw new RunSetupError(problems);
  return checked.values;
}
