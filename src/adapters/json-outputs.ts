// Outputs read from a JSON object a node printed or answered (an agent's reply, a command's stdout): a declared name
// takes the field of that name, a mapping (`summary: data.summary`) reads the object as `data`.
import { extractMatchingOutputs, extractOutputs } from '../osop/outputs.ts';
import type { OutputSpec } from '../osop/workflow.ts';

/** The text as a JSON object, also when it is wrapped in a ```json fence; undefined for anything else. */
export const parseJsonObject = (text: string): Record<string, unknown> | undefined => {
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(text.trim());
  try {
    const value: unknown = JSON.parse(fenced ? fenced[1] : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The declared outputs found in `json`. A mapping that cannot be read throws OutputError, unless `lenient` (a failed
 * node's output, whose shape differs from a success's): then that output is left out.
 */
export function declaredJsonOutputs(
  specs: OutputSpec[],
  json: Record<string, unknown>,
  lenient = false,
): Record<string, unknown> {
  const named = Object.fromEntries(
    specs.filter((spec) => !spec.extract && spec.name in json).map((spec) => [spec.name, json[spec.name]]),
  );
  const envelope = { data: json, status: 200, headers: {} };
  return { ...named, ...(lenient ? extractMatchingOutputs(specs, envelope) : extractOutputs(specs, envelope)) };
}
