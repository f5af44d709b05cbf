// Which `${...}` in a cli command are OSOP's and which are the shell's (docs/semantics.md "cli commands and `${...}`").
// A dotted reference (`${inputs.tag}`, `${build.image}`) is OSOP's. A one-word `${name}` is OSOP's only when the
// document defines that name: a workflow input, an output some node declares, or one of the node's own `inputs`.
// Anything else (`${HOME}`, `${DEPLOY_ENV:-staging}`, `${#list[@]}`) is shell text, which the shell expands.
import { type NormalizeContext, type Raw } from './context.ts';
import type { TemplateOptions } from './template.ts';
import { isRecord } from '../util/is-record.ts';

const NAME_PATH = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\.\d+|\[\d+\])*$/;
/** `${inputs}` alone is a mistake in an OSOP reference, reported as such, not a shell variable. */
const NAMESPACES = new Set(['inputs', 'outputs', 'secrets', 'env', 'metadata', 'loop']);

/** The names a node lists in its own `inputs` (a list of names or {name}, or a mapping). */
function nodeInputNames(raw: Raw): string[] {
  const { inputs } = raw;
  if (Array.isArray(inputs))
    return inputs.flatMap((item) =>
      typeof item === 'string' ? [item] : isRecord(item) && typeof item.name === 'string' ? [item.name] : [],
    );
  return isRecord(inputs) ? Object.keys(inputs) : [];
}

/** Whether a `${...}` (its inner text) belongs to the shell, given the one-word names the document defines. */
function isShellExpansion(source: string, defines: (name: string) => boolean): boolean {
  const text = source.trim();
  if (!NAME_PATH.test(text)) return true;
  return !/[.[]/.test(text) && !NAMESPACES.has(text) && !defines(text);
}

/** Template options for the `command` of the cli node `raw`. */
export function commandOptions(raw: Raw, context: NormalizeContext): TemplateOptions {
  const own = new Set(nodeInputNames(raw));
  const defines = (name: string) =>
    own.has(name) || Boolean(context.inputNames?.has(name)) || Boolean(context.producers?.has(name));
  return { bareName: context.bareName, leaveToShell: (source) => isShellExpansion(source, defines) };
}
