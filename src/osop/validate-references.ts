// Load-time checks of `${...}` references and `{{...}}` look-alikes in node runtimes, with positions.
import { type NormalizeContext } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { knownOutputFields } from './output-fields.ts';
import { didYouMean } from './suggest.ts';
import { commandOptions } from './command-interpolation.ts';
import { findInterpolations, type TemplateOptions } from './template.ts';
import type { InputSpec, Reference, WorkflowNode } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

export interface ReferenceTargets {
  nodes: Map<string, WorkflowNode>;
  inputs: InputSpec[];
  /** Whether the document declares its inputs (only then is an unknown input an error). */
  inputsDeclared: boolean;
  /** `iterator_var`s of for_each edges (what `${loop.<var>}` may name). */
  loopVars: string[];
}

function checkReference(
  ref: Reference,
  path: DocPath,
  col: number,
  targets: ReferenceTargets,
  context: NormalizeContext,
): void {
  const at = context.source.locateInString(path, col);
  const [head, field] = ref.path;
  if (ref.namespace === 'outputs') {
    const node = targets.nodes.get(head);
    if (!node) {
      const suggestion =
        didYouMean(head, targets.nodes.keys()) ?? `known nodes: ${[...targets.nodes.keys()].join(', ')}`;
      context.sink.error({
        code: 'unknown-reference',
        path,
        message: `\${${ref.source}} refers to no node "${head}"`,
        suggestion,
        at,
      });
      return;
    }
    const known = knownOutputFields(node);
    if (field !== undefined && known && !known.includes(field)) {
      const suggestion = didYouMean(field, known) ?? `${head} produces: ${known.join(', ')}`;
      context.sink.error({
        code: 'unknown-output',
        path,
        message: `\${${ref.source}}: node ${head} declares no output "${field}"`,
        suggestion,
        at,
      });
    }
    return;
  }
  if (ref.namespace === 'loop' && !targets.loopVars.includes(head) && head !== 'index') {
    const known = [...targets.loopVars, 'index'];
    context.sink.warning({
      code: 'unknown-loop-var',
      path,
      message: `\${${ref.source}}: no for_each edge names its iterator_var ${head}`,
      suggestion: didYouMean(head, known) ?? `loop variables: ${known.join(', ')}`,
      at,
    });
    return;
  }
  if (ref.namespace === 'inputs' && targets.inputsDeclared && !targets.inputs.some((input) => input.name === head)) {
    const names = targets.inputs.map((input) => input.name);
    context.sink.error({
      code: 'unknown-reference',
      path,
      message: `\${${ref.source}} refers to no declared input "${head}"`,
      suggestion: didYouMean(head, names) ?? `declared inputs: ${names.join(', ')}`,
      at,
    });
  }
}

/** Stripe and Anthropic key shapes: a key written into a workflow file is a leak waiting to happen. */
const KEY_SHAPES = /\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}|\bsk-ant-[A-Za-z0-9_-]{8,}/;

function checkString(
  text: string,
  path: DocPath,
  targets: ReferenceTargets,
  context: NormalizeContext,
  options: TemplateOptions,
): void {
  const key = KEY_SHAPES.exec(text);
  if (key) {
    context.sink.warning({
      code: 'hard-coded-secret',
      path,
      message: 'this value looks like an API key written into the workflow',
      suggestion: 'use ${secrets.NAME} and pass the key at run time',
      at: context.source.locateInString(path, key.index + 1),
    });
  }
  for (const { index, ref } of findInterpolations(text, options)) {
    if (!ref) continue;
    if (!ref.source.includes('.')) {
      const meaning = [ref.namespace, ...ref.path].join('.');
      context.sink.warning({
        code: 'bare-interpolation',
        path,
        message: `\${${ref.source}} is read as \${${meaning}}`,
        suggestion: `write \${${meaning}}`,
        at: context.source.locateInString(path, index + 1),
      });
    }
    checkReference(ref, path, index + 1, targets, context);
  }
  const mustache = /\{\{\s*([^{}]*?)\s*\}\}/.exec(text);
  if (mustache) {
    context.sink.warning({
      code: 'mustache-template',
      path,
      message: `{{${mustache[1]}}} is not OSOP interpolation and stays literal text`,
      suggestion: `write \${inputs.${mustache[1] || 'name'}} or \${node_id.field}`,
      at: context.source.locateInString(path, mustache.index + 1),
    });
  }
}

function walk(
  value: unknown,
  path: DocPath,
  targets: ReferenceTargets,
  context: NormalizeContext,
  options: TemplateOptions,
): void {
  if (typeof value === 'string') checkString(value, path, targets, context, options);
  else if (Array.isArray(value))
    value.forEach((item, index) => walk(item, [...path, index], targets, context, options));
  else if (isRecord(value))
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key], targets, context, options);
}

/** Checks every string in each node's runtime (and a node-level command, its idempotency key, a sub-workflow's inputs). */
export function validateReferences(rawNodes: unknown[], targets: ReferenceTargets, context: NormalizeContext): void {
  rawNodes.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const plain: TemplateOptions = { bareName: context.bareName };
    const command = raw.type === 'cli' ? commandOptions(raw, context) : plain;
    if (isRecord(raw.runtime)) {
      for (const [key, value] of Object.entries(raw.runtime)) {
        const options = key === 'command' ? command : plain;
        if (key !== 'response_mapping') walk(value, ['nodes', index, 'runtime', key], targets, context, options);
      }
    }
    if (isRecord(raw.workflow_inputs))
      walk(raw.workflow_inputs, ['nodes', index, 'workflow_inputs'], targets, context, plain);
    if (typeof raw.command === 'string') walk(raw.command, ['nodes', index, 'command'], targets, context, command);
    const key = isRecord(raw.idempotency) ? raw.idempotency.key : undefined;
    if (typeof key === 'string') walk(key, ['nodes', index, 'idempotency', 'key'], targets, context, plain);
  });
}
