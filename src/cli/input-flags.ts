// `--input name=value` flags → typed workflow inputs through osop's one input check (the same rules as the page's
// form and POST /api/runs `inputText`); a misspelt name or a value of the wrong type is a usage error.
import { splitPair } from '../services/secrets.ts';
import { checkInputs, type InputProblem } from '../osop/input-schema.ts';
import type { Workflow } from '../osop/workflow.ts';
import { setOwnField } from '../util/own-field.ts';

/** Bad command-line input: the command prints the message and exits 2 before anything runs. */
export class UsageError extends Error {}

/** A problem in the words of the command line, e.g. `--input amount=abc: amount is declared integer; give ...`. */
const asFlagError = (workflow: Workflow, problem: InputProblem): string => {
  const name = problem.input;
  switch (problem.code) {
    case 'missing-input':
      return `${problem.message}: pass --input ${name}=<value>`;
    case 'unknown-input':
      return `--input ${name}: ${workflow.file} declares no input ${name} (${problem.fix})`;
    default: {
      const what = problem.declared
        ? `${name} is declared ${problem.declared}; give ${problem.expected}`
        : `${name} takes ${problem.expected}`;
      const example = problem.example === undefined ? '' : `, e.g. --input ${name}=${problem.example}`;
      return `--input ${name}=${problem.given}: ${problem.code === 'input-range' ? problem.message : what}${example}`;
    }
  }
};

/** The inputs the run gets: typed, with the defaults filled in (`filled`: values for inputs no flag gives). */
export function parseInputFlags(
  workflow: Workflow,
  pairs: string[],
  filled: Record<string, unknown> = {},
): Record<string, unknown> {
  const text: Record<string, string> = {};
  for (const flag of pairs) {
    const pair = splitPair(flag);
    if (!pair) throw new UsageError(`--input ${flag} is not name=value: write --input name=value`);
    setOwnField(text, pair[0], pair[1]);
  }
  const checked = checkInputs(workflow, { json: filled, text });
  if (!checked.ok) throw new UsageError(checked.problems.map((problem) => asFlagError(workflow, problem)).join('\n'));
  return checked.values;
}
