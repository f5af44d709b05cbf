// `${...}` interpolation in runtime values: parsed once at load, resolved per node execution.
import type { Reference, Template } from './workflow.ts';

export interface TemplateValues {
  inputs: Record<string, unknown>;
  outputs: Record<string, Record<string, unknown>>;
  secrets: Record<string, string>;
  env: Record<string, string | undefined>;
  metadata: Record<string, unknown>;
  loop?: Record<string, unknown>;
  /** At the target of an `event` edge: the event it received, `{name, data}`. */
  event?: { name: string; data: unknown };
}

export class TemplateError extends Error {
  readonly reference: string;
  constructor(message: string, reference: string) {
    super(message);
    this.name = 'TemplateError';
    this.reference = reference;
  }
}

interface TemplateProblem {
  message: string;
  /** The text between `${` and `}`. */
  source: string;
}

const NAMESPACES = new Set<Reference['namespace']>([
  'inputs',
  'outputs',
  'secrets',
  'env',
  'metadata',
  'loop',
  'event',
]);
const INTERPOLATION = /\$\{([^{}]*)\}/g;
const WHOLE = /^\$\{([^{}]*)\}$/;
const SEGMENT = /^[A-Za-z_][\w-]*$/;

/** `a.b[0].c` → ['a', 'b', '0', 'c']; undefined when it is not a plain dotted path. */
function splitPath(text: string): string[] | undefined {
  const segments = text
    .trim()
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.');
  const valid = segments.every((segment, index) => SEGMENT.test(segment) || (index > 0 && /^\d+$/.test(segment)));
  return valid ? segments : undefined;
}

export interface TemplateOptions {
  report?: (problem: TemplateProblem) => void;
  /** Meaning of a one-word `${name}`; by default a workflow input. */
  bareName?: (name: string) => Omit<Reference, 'source'>;
  /** In a cli command: whether this `${...}` is the shell's (`${HOME}`, `${VAR:-x}`), left as text for the shell. */
  leaveToShell?: (source: string) => boolean;
}

function parseReference(source: string, options: TemplateOptions = {}): Reference | undefined {
  if (options.leaveToShell?.(source)) return undefined;
  const segments = splitPath(source);
  if (!segments) return undefined;
  const [head, ...rest] = segments;
  if (segments.length === 1) {
    if (NAMESPACES.has(head as Reference['namespace'])) return undefined;
    return { ...(options.bareName?.(head) ?? { namespace: 'inputs', path: [head] }), source };
  }
  if (NAMESPACES.has(head as Reference['namespace'])) {
    if (rest.length === 0) return undefined;
    return { namespace: head as Reference['namespace'], path: rest, source };
  }
  // The seed's form `${node.field}` means `${outputs.node.field}`.
  return { namespace: 'outputs', path: segments, source };
}

export interface Interpolation {
  /** Offset of `${` in the text. */
  index: number;
  length: number;
  /** The text between `${` and `}`. */
  source: string;
  /** Undefined when the text is not a reference. */
  ref?: Reference;
}

export function findInterpolations(text: string, options: TemplateOptions = {}): Interpolation[] {
  return [...text.matchAll(INTERPOLATION)].map((match) => ({
    index: match.index,
    length: match[0].length,
    source: match[1],
    ref: parseReference(match[1], options),
  }));
}

/** A string with no `${` in it: its template is the text itself, and parsing it reports nothing (whatever the options). */
export const isPlainText = (text: string): boolean => !text.includes('${');

function parseString(text: string, options: TemplateOptions): Template {
  if (isPlainText(text)) return { kind: 'value', value: text };
  const whole = WHOLE.exec(text);
  if (whole) {
    const ref = parseReference(whole[1], options);
    if (ref) return { kind: 'ref', ref };
  }
  const parts: Array<string | Reference> = [];
  let last = 0;
  for (const { index, length, source, ref } of findInterpolations(text, options)) {
    if (!ref && options.leaveToShell?.(source)) continue;
    if (!ref) {
      options.report?.({
        message: `\${${source}} is not a reference such as \${inputs.name} or \${node.field}`,
        source,
      });
      continue;
    }
    if (index > last) parts.push(text.slice(last, index));
    parts.push(ref);
    last = index + length;
  }
  if (parts.length === 0) return { kind: 'value', value: text };
  if (last < text.length) parts.push(text.slice(last));
  return { kind: 'text', parts };
}

export function parseTemplate(value: unknown, options: TemplateOptions = {}): Template {
  if (typeof value === 'string') return parseString(value, options);
  if (value === null || value === undefined) return { kind: 'value', value: null };
  if (typeof value === 'number' || typeof value === 'boolean') return { kind: 'value', value };
  if (Array.isArray(value)) return { kind: 'list', items: value.map((item) => parseTemplate(item, options)) };
  if (typeof value === 'object') {
    const entries: Record<string, Template> = {};
    for (const [key, entry] of Object.entries(value)) entries[key] = parseTemplate(entry, options);
    return { kind: 'map', entries };
  }
  return { kind: 'value', value: String(value) };
}

/** Every reference inside a template, in document order. */
export function templateReferences(template: Template): Reference[] {
  switch (template.kind) {
    case 'value':
      return [];
    case 'ref':
      return [template.ref];
    case 'text':
      return template.parts.filter((part): part is Reference => typeof part !== 'string');
    case 'list':
      return template.items.flatMap(templateReferences);
    case 'map':
      return Object.values(template.entries).flatMap(templateReferences);
  }
}

function lookup(ref: Reference, values: TemplateValues): unknown {
  const fail = (why: string): never => {
    throw new TemplateError(`\${${ref.source}}: ${why}`, ref.source);
  };
  const root = values[ref.namespace] as Record<string, unknown> | undefined;
  if (!root) fail(`no ${ref.namespace} in this context`);
  let current: unknown = root;
  ref.path.forEach((segment, index) => {
    const container = current as Record<string, unknown> | unknown[] | null;
    const present = container !== null && typeof container === 'object' && Object.hasOwn(container, segment);
    if (!present || (container as Record<string, unknown>)[segment] === undefined) {
      if (ref.namespace === 'outputs' && index === 0) fail(`node ${segment} has no outputs yet`);
      if (ref.namespace === 'secrets') fail(`secret ${segment} is not set`);
      const where = index === 0 ? ref.namespace : [ref.namespace, ...ref.path.slice(0, index)].join('.');
      fail(`${where} has no ${segment}`);
    }
    current = (container as Record<string, unknown>)[segment];
  });
  return current;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function resolveTemplate(template: Template, values: TemplateValues): unknown {
  switch (template.kind) {
    case 'value':
      return template.value;
    case 'ref':
      return lookup(template.ref, values);
    case 'text':
      return template.parts.map((part) => (typeof part === 'string' ? part : asText(lookup(part, values)))).join('');
    case 'list':
      return template.items.map((item) => resolveTemplate(item, values));
    case 'map':
      return Object.fromEntries(
        Object.entries(template.entries).map(([key, entry]) => [key, resolveTemplate(entry, values)]),
      );
  }
}
