// The inputs of a request that starts a run — `inputs` (typed JSON) and `inputText` (what a person typed, as the page's
// form sends it) — through osop's one input check, as diagnostics, before anything starts.
import { checkInputs, type InputProblem } from '../osop/input-schema.ts';
import type { Diagnostic, Workflow } from '../osop/workflow.ts';
import { isRecord } from '../util/is-record.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

export interface StartInputs {
  /** Typed values, e.g. `{"amount": 2000}`. */
  inputs?: unknown;
  /** Text as typed, e.g. `{"amount": "2000"}`: coerced by the same rules as `sopstate run --input`. */
  inputText?: unknown;
}

export interface CheckedStartInputs {
  inputs: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

const diagnostic = (workflow: Workflow, path: string, code: string, message: string, suggestion?: string) => ({
  file: workflow.file,
  line: 1,
  col: 1,
  severity: 'error' as const,
  code,
  path,
  message,
  ...(suggestion ? { suggestion } : {}),
});

const fromProblem = (workflow: Workflow, problem: InputProblem): Diagnostic =>
  diagnostic(
    workflow,
    `inputs.${problem.input}`,
    problem.code,
    problem.code === 'unknown-input' ? `workflow ${workflow.id} declares no input ${problem.input}` : problem.message,
    problem.code === 'missing-input' ? `send "inputs": {"${problem.input}": ...}` : problem.fix,
  );

const isTextRecord = (value: unknown): value is Record<string, string> =>
  isRecord(value) && Object.values(value).every((text) => typeof text === 'string');

export const checkStartInputs = (workflow: Workflow, given: StartInputs): CheckedStartInputs => {
  const refused = (path: string, code: string, message: string) => ({
    inputs: {},
    diagnostics: [diagnostic(workflow, path, code, message)],
  });
  if (given.inputs !== undefined && !isRecord(given.inputs))
    return refused('inputs', 'inputs-not-object', 'inputs must be a JSON object of name → value');
  if (given.inputText !== undefined && !isTextRecord(given.inputText))
    return refused('inputText', 'input-text-not-text', 'inputText must be a JSON object of name → the text typed');
  const checked = checkInputs(workflow, { json: given.inputs, text: given.inputText });
  if (!checked.ok)
    return { inputs: {}, diagnostics: checked.problems.map((problem) => fromProblem(workflow, problem)) };
  const tooDeep = Object.entries(checked.values).filter(([, value]) => nestsDeeperThan(value, MAX_JSON_DEPTH));
  return {
    inputs: checked.values,
    diagnostics: tooDeep.map(([name]) =>
      diagnostic(
        workflow,
        `inputs.${name}`,
        'input-too-deep',
        `input ${name} nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep`,
        'send a flatter value',
      ),
    ),
  };
};
