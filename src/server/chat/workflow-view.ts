// Reads what the chat needs from the server's workflow JSON, whichever form (normalized or as written) it takes.
import type { InputSpec } from '../../osop/workflow.ts';
import { isRecord } from '../../util/is-record.ts';

/** A declared input as the server's one input check reads it. */
export interface WorkflowInputView extends InputSpec {
  hasDefault: boolean;
}

export interface StripePostView {
  node: string;
  url: string;
  /** Body values the run will send: literals, e.g. `{amount: '2000', currency: 'usd'}`, and `${inputs.x}` filled. */
  literals: Record<string, unknown>;
  /** Which of those keys are written in the file itself (the same on every run, whatever the inputs). */
  fixed: string[];
}

/** The workflow object itself: the API may wrap it (`{workflow, mermaid}`). */
export const workflowOf = (body: unknown): Record<string, unknown> | undefined => {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.nodes)) return body;
  for (const key of ['workflow', 'graph']) {
    const inner = body[key];
    if (isRecord(inner) && Array.isArray(inner.nodes)) return { ...body, ...inner };
  }
  return undefined;
};

/** A runtime value as text: plain values, or a Template (`{kind: 'value' | 'text' | 'ref'}`). */
export const templateText = (value: unknown): string | undefined => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!isRecord(value)) return undefined;
  if (value.kind === 'value') return value.value === null ? undefined : String(value.value);
  if (value.kind === 'ref' && isRecord(value.ref)) return `\${${String(value.ref.source)}}`;
  if (value.kind === 'text' && Array.isArray(value.parts)) {
    return value.parts
      .map((part) => (typeof part === 'string' ? part : isRecord(part) ? `\${${String(part.source)}}` : ''))
      .join('');
  }
  return undefined;
};

/** `${inputs.x}` (the whole value) as the run will see it; undefined for anything else. */
const inputValue = (value: unknown, inputs: Record<string, unknown>): unknown => {
  if (!isRecord(value) || value.kind !== 'ref' || !isRecord(value.ref)) return undefined;
  const { namespace, path } = value.ref;
  return namespace === 'inputs' && Array.isArray(path) && path.length === 1 ? inputs[String(path[0])] : undefined;
};

const bodyValues = (value: unknown, inputs: Record<string, unknown>): Pick<StripePostView, 'literals' | 'fixed'> => {
  const entries = isRecord(value) && value.kind === 'map' && isRecord(value.entries) ? value.entries : value;
  const literals: Record<string, unknown> = {};
  const fixed: string[] = [];
  if (!isRecord(entries)) return { literals, fixed };
  for (const [key, entry] of Object.entries(entries)) {
    const text = templateText(entry);
    const fromInput = inputValue(entry, inputs);
    if (text !== undefined && !text.includes('${')) {
      literals[key] = text;
      fixed.push(key);
    } else if (fromInput !== undefined) literals[key] = fromInput;
  }
  return { literals, fixed };
};

export const workflowInputs = (workflow: Record<string, unknown>): WorkflowInputView[] => {
  const inputs = workflow.inputs;
  const list = Array.isArray(inputs)
    ? inputs
    : isRecord(inputs)
      ? Object.entries(inputs).map(([name, spec]) => ({ name, ...(isRecord(spec) ? spec : {}) }))
      : [];
  return list.filter(isRecord).flatMap((input) =>
    typeof input.name === 'string'
      ? [
          {
            name: input.name,
            type: typeof input.type === 'string' ? input.type : undefined,
            required: input.required === true,
            hasDefault: input.default !== undefined,
            ...(input.default !== undefined ? { default: input.default } : {}),
            ...(Array.isArray(input.enum) ? { enum: input.enum } : {}),
            ...(typeof input.description === 'string' ? { description: input.description } : {}),
          },
        ]
      : [],
  );
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `api` nodes that may move money: POST (or a method only known at run time) to Stripe, or to a URL
 * only known at run time (it could be Stripe).
 */
export const stripePostNodes = (
  workflow: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
): StripePostView[] => {
  const nodes = Array.isArray(workflow.nodes) ? workflow.nodes.filter(isRecord) : [];
  return nodes.flatMap((node) => {
    if (node.type !== 'api') return [];
    const runtime = isRecord(node.runtime) ? node.runtime : {};
    const method = (templateText(runtime.method) ?? 'GET').toUpperCase();
    const url = [templateText(runtime.url), templateText(runtime.endpoint)].filter(Boolean).join('');
    if (SAFE_METHODS.has(method)) return [];
    const host = url.match(/^https?:\/\/([^/]+)/i)?.[1];
    const knownHost = host !== undefined && !host.includes('${');
    if (knownHost && !/(^|\.)stripe\.com(:\d+)?$/i.test(host)) return [];
    return [{ node: String(node.id), url, ...bodyValues(runtime.body, inputs) }];
  });
};
