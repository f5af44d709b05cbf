// One `nodes[i]` entry → WorkflowNode (runtime templates, outputs, retry, timeout, samples).
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { warnUnknownKeys, NODE_KEYS } from './known-keys.ts';
import { normalizeApprovalGate } from './normalize-approval-gate.ts';
import { normalizeCost } from './normalize-cost.ts';
import { normalizeIdempotency } from './normalize-idempotency.ts';
import { normalizeOutputs } from './normalize-outputs.ts';
import { normalizeRetry, normalizeTimeout } from './normalize-policy.ts';
import { didYouMean } from './suggest.ts';
import { parseCommand, shellOf } from './command-line.ts';
import { commandOptions } from './command-interpolation.ts';
import { findInterpolations, isPlainText, parseTemplate, type TemplateOptions } from './template.ts';
import type { SubworkflowRef, Template, WorkflowNode } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const CORE_TYPES = ['agent', 'api', 'cli', 'human'];
const EXTENDED_TYPES = ['db', 'git', 'docker', 'cicd', 'mcp', 'system', 'infra', 'data'];
/** Node types that run the workflow their `workflow_ref` names (docs/semantics.md, "Sub-workflows"). */
const SUBWORKFLOW_TYPES = ['workflow', 'subworkflow'];
const DEFAULT_MAX_ITERATIONS = 3;
const SUPPORTED_PROVIDERS = ['anthropic'];

/** `url: https://api.stripe.com` + `endpoint: /v1/customers` → one url. */
function joinUrl(url: string, endpoint: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) return endpoint;
  return `${url.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
}

function runtimeOf(raw: Raw, path: DocPath, context: NormalizeContext): Record<string, Template> {
  if (raw.runtime !== undefined && raw.runtime !== null && !isRecord(raw.runtime)) {
    context.sink.error({ code: 'invalid-runtime', path: [...path, 'runtime'], message: 'runtime must be a mapping' });
    return {};
  }
  const runtime: Raw = { ...(isRecord(raw.runtime) ? raw.runtime : {}) };
  delete runtime.response_mapping;
  if (runtime.command === undefined && typeof raw.command === 'string') runtime.command = raw.command;
  if (typeof runtime.endpoint === 'string') {
    if (typeof runtime.url === 'string') runtime.url = joinUrl(runtime.url, runtime.endpoint);
    else if (runtime.url === undefined) runtime.url = runtime.endpoint;
    delete runtime.endpoint;
  }
  const templates: Record<string, Template> = {};
  const command = raw.type === 'cli' ? commandOptions(raw, context) : undefined;
  for (const [key, value] of Object.entries(runtime)) {
    // Most values are plain text: no options (and no reporter closure) for them, one per key of every node otherwise.
    if (typeof value === 'string' && isPlainText(value)) {
      templates[key] = parseTemplate(value);
      continue;
    }
    const options: TemplateOptions = {
      ...(key === 'command' && command ? command : { bareName: context.bareName }),
      report: (problem) =>
        context.sink.error({
          code: 'invalid-interpolation',
          path: [...path, 'runtime', key],
          message: problem.message,
          suggestion: 'write ${inputs.name}, ${node_id.field} or ${secrets.NAME}',
        }),
    };
    templates[key] = parseTemplate(value, options);
  }
  if (command && runtime.command !== undefined) {
    const found = typeof runtime.command === 'string' ? findInterpolations(runtime.command, command) : [];
    const shellText = found.filter((entry) => !entry.ref && command.leaveToShell?.(entry.source));
    // A command without OSOP's `${...}` is exactly the file's own text, so it keeps running in /bin/sh as written;
    // one that uses the shell's `${VAR}` needs the shell, which gets OSOP's values as quoted positional parameters.
    const literal = typeof runtime.command === 'string' && found.every((entry) => !entry.ref);
    const wantsShell = runtime.shell === undefined && (literal || shellText.length > 0);
    if (wantsShell) templates.shell = { kind: 'value', value: true };
    if (runtime.shell === false && shellText.length > 0) {
      const { source } = shellText[0];
      context.sink.error({
        code: 'invalid-command',
        path: [...path, 'runtime', 'command'],
        message: `command uses \${${source}}, which only a shell expands, and runtime.shell is false`,
        suggestion: /^\w+$/.test(source)
          ? `write \${env.${source}} to pass an allowed variable, or remove shell: false`
          : 'remove shell: false to run it in /bin/sh',
      });
      return templates;
    }
    templates.command = commandTemplate(
      runtime.command,
      wantsShell ? true : runtime.shell,
      templates.command,
      [...path, 'runtime'],
      context,
      command,
    );
  }
  return templates;
}

/** A cli command becomes its argv (or a shell script and its quoted values) here, at load: see command-line.ts. */
function commandTemplate(
  value: unknown,
  shellValue: unknown,
  parsed: Template,
  path: DocPath,
  context: NormalizeContext,
  options: TemplateOptions,
): Template {
  const shell = shellOf(shellValue);
  if (shell === undefined) {
    context.sink.error({
      code: 'invalid-runtime',
      path: [...path, 'shell'],
      message: 'shell must be true, false or the path of a shell',
      suggestion: 'write shell: true to run the command in /bin/sh',
    });
    return parsed;
  }
  if (typeof value !== 'string') {
    if (shell && Array.isArray(value))
      context.sink.error({
        code: 'invalid-runtime',
        path: [...path, 'command'],
        message: 'a command run in a shell must be one string',
        suggestion: 'write the command as one line, or drop shell: true to run this list as the arguments',
      });
    return parsed;
  }
  const result = parseCommand(value, shell, options);
  // A literal command stays text (the executor splits it the same way); only interpolated ones change shape.
  if (result.template) return parsed.kind === 'value' ? parsed : result.template;
  context.sink.error({
    code: 'invalid-command',
    path: [...path, 'command'],
    message: result.problem.message,
    suggestion: result.problem.suggestion,
  });
  return parsed;
}

function checkType(type: string, raw: Raw, path: DocPath, context: NormalizeContext): void {
  if (!CORE_TYPES.includes(type) && !EXTENDED_TYPES.includes(type) && !SUBWORKFLOW_TYPES.includes(type)) {
    context.sink.warning({
      code: 'unknown-node-type',
      path: [...path, 'type'],
      message: `node type "${type}" is not an OSOP type; it can be walked in a dry run but not run live`,
      suggestion: didYouMean(type, [...CORE_TYPES, ...EXTENDED_TYPES]),
    });
  }
  const runtime = isRecord(raw.runtime) ? raw.runtime : {};
  if (type === 'agent' && typeof runtime.provider === 'string' && !SUPPORTED_PROVIDERS.includes(runtime.provider)) {
    context.sink.warning({
      code: 'unsupported-provider',
      path: [...path, 'runtime', 'provider'],
      message: `agent provider "${runtime.provider}" has no executor in sopstate; it can be walked in a dry run but not run live`,
      suggestion: 'use provider: anthropic to run it live',
    });
  }
}

function maxIterationsOf(raw: Raw, path: DocPath, context: NormalizeContext): number {
  const value = raw.max_iterations;
  if (value === undefined) return DEFAULT_MAX_ITERATIONS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  context.sink.error({
    code: 'invalid-max-iterations',
    path: [...path, 'max_iterations'],
    message: 'max_iterations must be a whole number ≥ 1',
  });
  return DEFAULT_MAX_ITERATIONS;
}

function extensionsOf(raw: Raw, path: DocPath, context: NormalizeContext): Pick<WorkflowNode, 'sample' | 'testCases'> {
  const result: Pick<WorkflowNode, 'sample' | 'testCases'> = {};
  if (raw['x-sample'] !== undefined) {
    if (isRecord(raw['x-sample'])) result.sample = raw['x-sample'];
    else
      context.sink.error({
        code: 'invalid-sample',
        path: [...path, 'x-sample'],
        message: 'x-sample must be a mapping of output names to values',
      });
  }
  if (raw['x-test-cases'] !== undefined) {
    if (Array.isArray(raw['x-test-cases'])) result.testCases = raw['x-test-cases'];
    else
      context.sink.error({
        code: 'invalid-test-cases',
        path: [...path, 'x-test-cases'],
        message: 'x-test-cases must be a list',
      });
  }
  return result;
}

/** `workflow_ref` + `workflow_inputs`; the child itself is loaded by loadWorkflowFile (subworkflows.ts). */
function subworkflowOf(
  raw: Raw,
  id: string,
  type: string,
  path: DocPath,
  context: NormalizeContext,
): SubworkflowRef | undefined {
  const isWorkflowType = SUBWORKFLOW_TYPES.includes(type);
  if (raw.workflow_ref === undefined) {
    if (isWorkflowType)
      context.sink.error({
        code: 'missing-field',
        path,
        message: `node ${id} is of type ${type} but names no workflow_ref`,
        suggestion: 'add workflow_ref: ./child.osop.yaml (a path beside this file, or the id of an imported workflow)',
      });
    return undefined;
  }
  const refPath = [...path, 'workflow_ref'];
  if (typeof raw.workflow_ref !== 'string' || raw.workflow_ref.trim() === '') {
    context.sink.error({
      code: 'invalid-workflow-ref',
      path: refPath,
      message: `workflow_ref of node ${id} must be a non-empty string`,
      suggestion: 'write a path relative to this file, or the id of a workflow listed in imports',
    });
    return undefined;
  }
  if (!isWorkflowType) {
    context.sink.error({
      code: 'invalid-workflow-ref',
      path: [...path, 'type'],
      message: `node ${id} has a workflow_ref but is of type ${type}: only a workflow node runs a sub-workflow`,
      suggestion: 'write type: workflow, or remove workflow_ref',
    });
    return undefined;
  }
  const inputs: Record<string, Template> = {};
  if (raw.workflow_inputs !== undefined && raw.workflow_inputs !== null && !isRecord(raw.workflow_inputs)) {
    context.sink.error({
      code: 'invalid-workflow-inputs',
      path: [...path, 'workflow_inputs'],
      message: `workflow_inputs of node ${id} must be a mapping of the sub-workflow's input names to values`,
    });
  } else if (isRecord(raw.workflow_inputs)) {
    for (const [key, value] of Object.entries(raw.workflow_inputs)) {
      inputs[key] = parseTemplate(value, {
        bareName: context.bareName,
        report: (problem) =>
          context.sink.error({
            code: 'invalid-interpolation',
            path: [...path, 'workflow_inputs', key],
            message: problem.message,
            suggestion: 'write ${inputs.name} or ${node_id.field}',
          }),
      });
    }
  }
  return { ref: raw.workflow_ref, position: context.source.locate(refPath), inputs };
}

/** Undefined when the entry is too broken to be a node (no id or type); errors are already reported. */
export function normalizeNode(raw: unknown, index: number, context: NormalizeContext): WorkflowNode | undefined {
  const path: DocPath = ['nodes', index];
  if (!isRecord(raw)) {
    context.sink.error({ code: 'invalid-node', path, message: 'a node must be a mapping with at least id and type' });
    return undefined;
  }
  warnUnknownKeys(raw, NODE_KEYS, path, context.sink, 'node');
  const id = typeof raw.id === 'string' && raw.id.trim() !== '' ? raw.id : undefined;
  if (!id)
    context.sink.error({
      code: 'missing-field',
      path: raw.id === undefined ? path : [...path, 'id'],
      message: 'node needs an id (a non-empty string)',
    });
  const type = typeof raw.type === 'string' && raw.type !== '' ? raw.type : undefined;
  if (!type)
    context.sink.error({
      code: 'missing-field',
      path: raw.type === undefined ? path : [...path, 'type'],
      message: `node ${id ?? `#${index + 1}`} needs a type`,
      suggestion: `one of ${CORE_TYPES.join(', ')}`,
    });
  if (!id || !type) return undefined;
  checkType(type, raw, path, context);

  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const retry = normalizeRetry(raw, path, context.sink);
  const timeoutMs = normalizeTimeout(raw, path, context.sink);
  const description = text('description') ?? text('purpose');
  // A human node is already a decision: its gate adds no second wait.
  const approvalGate = type === 'human' ? undefined : normalizeApprovalGate(raw, path, context);
  const idempotencyKey = normalizeIdempotency(raw, path, context);
  const cost = normalizeCost(raw, path, context.sink);
  const subworkflow = subworkflowOf(raw, id, type, path, context);
  return {
    id,
    type,
    ...(text('subtype') ? { subtype: text('subtype') } : {}),
    name: text('name') ?? id,
    ...(description ? { description } : {}),
    runtime: runtimeOf(raw, path, context),
    outputs: normalizeOutputs(raw, path, context),
    ...(retry ? { retry } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(approvalGate ? { approvalGate } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(cost ? { cost } : {}),
    maxIterations: maxIterationsOf(raw, path, context),
    ...extensionsOf(raw, path, context),
    ...(subworkflow ? { subworkflow } : {}),
    position: context.source.locate(path),
  };
}
