// A cli node's `runtime.command`, split at load so that no interpolated value is ever read by a shell.
// Without a shell: shell-words rules (quotes, backslashes) make an argv, and each `${...}` stays inside one argument.
// With `runtime.shell`: the text is the script, and each `${...}` becomes a quoted positional parameter ("${1}"...),
// whose value is passed to the shell as an argument, so the shell never parses it.
import { parse } from 'shell-quote';
import { findInterpolations, type TemplateOptions } from './template.ts';
import type { Reference, Template } from './workflow.ts';

interface CommandProblem {
  message: string;
  suggestion?: string;
}

export type CommandParse =
  { template: Template; problem?: undefined } | { template?: undefined; problem: CommandProblem };

const NEEDS_SHELL = 'set runtime.shell: true to run it in /bin/sh (interpolated values are then passed quoted)';

/** Where each `${...}` sits: outside quotes, inside '...' or inside "..."; undefined when a quote is left open. */
function quoteContexts(
  text: string,
  starts: ReadonlySet<number>,
): Map<number, 'none' | 'single' | 'double'> | undefined {
  const contexts = new Map<number, 'none' | 'single' | 'double'>();
  let state: 'none' | 'single' | 'double' = 'none';
  for (let index = 0; index < text.length; index++) {
    if (starts.has(index)) contexts.set(index, state);
    const char = text[index];
    if (state === 'single') {
      if (char === "'") state = 'none';
    } else if (char === '\\') index++;
    else if (char === '"') state = state === 'double' ? 'none' : 'double';
    else if (char === "'" && state === 'none') state = 'single';
  }
  return state === 'none' ? contexts : undefined;
}

function unclosed(): CommandParse {
  return {
    problem: { message: 'command has a quote that is never closed', suggestion: 'close every \' and " in the command' },
  };
}

/** `echo "${inputs.a}"` with a shell → script `echo "${1}"` and the reference as the first positional argument. */
function shellCommand(text: string, options: TemplateOptions): CommandParse {
  const found = findInterpolations(text, options).filter((entry) => entry.ref);
  const contexts = quoteContexts(text, new Set(found.map((entry) => entry.index)));
  if (!contexts) return unclosed();
  let script = '';
  let last = 0;
  const refs: Reference[] = [];
  for (const { index, length, ref } of found) {
    refs.push(ref!);
    const parameter = `\${${refs.length}}`;
    const context = contexts.get(index);
    script +=
      text.slice(last, index) +
      (context === 'double' ? parameter : context === 'single' ? `'"${parameter}"'` : `"${parameter}"`);
    last = index + length;
  }
  script += text.slice(last);
  const items: Template[] = [{ kind: 'value', value: script }, ...refs.map((ref): Template => ({ kind: 'ref', ref }))];
  return { template: { kind: 'list', items } };
}

function marker(text: string): string {
  let tag = 'SOPSTATEARG';
  while (text.includes(tag)) tag += 'X';
  return tag;
}

/** One argv word: literal text with placeholders `<tag><n>Z` turned back into references. */
function wordTemplate(word: string, tag: string, refs: readonly Reference[]): Template {
  const pieces = word.split(new RegExp(`${tag}(\\d+)Z`));
  const parts: Array<string | Reference> = [];
  pieces.forEach((piece, index) => {
    if (index % 2 === 1) parts.push(refs[Number(piece)]);
    else if (piece !== '') parts.push(piece);
  });
  if (parts.length === 0) return { kind: 'value', value: '' };
  if (parts.length === 1)
    return typeof parts[0] === 'string' ? { kind: 'value', value: parts[0] } : { kind: 'ref', ref: parts[0] };
  return { kind: 'text', parts };
}

function argvCommand(text: string, options: TemplateOptions): CommandParse {
  const found = findInterpolations(text, options).filter((entry) => entry.ref);
  if (!quoteContexts(text, new Set())) return unclosed();
  const tag = marker(text);
  let masked = '';
  let last = 0;
  found.forEach(({ index, length }, at) => {
    masked += `${text.slice(last, index)}${tag}${at}Z`;
    last = index + length;
  });
  masked += text.slice(last);
  const words: Template[] = [];
  const variable = (name: string) => ({ variable: name });
  for (const token of parse(masked, variable)) {
    if (typeof token === 'string')
      words.push(
        wordTemplate(
          token,
          tag,
          found.map((entry) => entry.ref!),
        ),
      );
    else if ('comment' in token) break;
    else if ('variable' in token) {
      const name = String(token.variable);
      if (!/^\w+$/.test(name))
        return { problem: { message: 'command uses $(...), which needs a shell', suggestion: NEEDS_SHELL } };
      return {
        problem: {
          message: `command uses $${name}, which only a shell expands`,
          suggestion: `write \${env.${name}} instead, or ${NEEDS_SHELL}`,
        },
      };
    } else {
      const what = token.op === 'glob' ? `the pattern ${(token as { pattern: string }).pattern}` : `"${token.op}"`;
      return { problem: { message: `command uses ${what}, which needs a shell`, suggestion: NEEDS_SHELL } };
    }
  }
  if (words.length === 0)
    return { problem: { message: 'command is empty', suggestion: 'write the program to run and its arguments' } };
  return { template: { kind: 'list', items: words } };
}

/** The shell a node asked for: `true` → /bin/sh, a path → that shell, else none. Undefined when the value is not one of those. */
export function shellOf(value: unknown): string | false | undefined {
  if (value === undefined || value === null || value === false) return false;
  if (value === true) return '/bin/sh';
  if (typeof value === 'string' && value.trim() !== '' && !value.includes('${')) return value;
  return undefined;
}

/** `runtime.command` (text) → a list template: argv without a shell, [script, ...positional values] with one. */
export function parseCommand(text: string, shell: string | false, options: TemplateOptions = {}): CommandParse {
  return shell ? shellCommand(text, options) : argvCommand(text, options);
}
