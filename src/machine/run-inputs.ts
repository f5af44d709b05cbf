// Checked before the first node runs: required inputs present (defaults applied, CLI text coerced), secrets set.
import type { InputSpec, Workflow } from '../osop/workflow.ts';

export class RunSetupError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RunSetupError';
    this.problems = problems;
  }
}

/** `--input amount=2000` arrives as text: give it the declared type. */
export function coerceInput(spec: InputSpec | undefined, text: string): unknown {
  const type = spec?.type?.toLowerCase();
  if ((type === 'number' || type === 'integer') && text.trim() !== '' && Number.isFinite(Number(text)))
    return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function resolveInputs(
  workflow: Workflow,
  given: Record<string, unknown>,
): { inputs: Record<string, unknown>; problems: string[] } {
  const inputs: Record<string, unknown> = { ...given };
  const problems: string[] = [];
  for (const spec of workflow.inputs) {
    if (inputs[spec.name] === undefined && spec.default !== undefined) inputs[spec.name] = spec.default;
    if (inputs[spec.name] === undefined && spec.required) {
      const about = spec.description ? ` (${spec.description})` : '';
      problems.push(`missing required input ${spec.name}${about}: pass --input ${spec.name}=<value>`);
    }
  }
  return { inputs, problems };
}

export function missingSecrets(workflow: Workflow, secrets: Record<string, string>): string[] {
  return workflow.secrets
    .filter((name) => !secrets[name])
    .map(
      (name) =>
        `missing secret ${name}: set ${name} in the environment or a .env file, or pass --secret ${name}=<value>`,
    );
}
