// A parsed OSOP document → Workflow, reporting every problem with its location.
import { type NormalizeContext, type Raw } from './context.ts';
import { RESERVED_NAMES } from './expression.ts';
import { entryNodes, secretsUsed, unreachableNodes } from './graph.ts';
import { WORKFLOW_KEYS, warnUnknownKeys } from './known-keys.ts';
import { applyLoopBounds } from './loop-bounds.ts';
import { normalizeEdge } from './normalize-edges.ts';
import { normalizeCost } from './normalize-cost.ts';
import { normalizeInputs } from './normalize-inputs.ts';
import { normalizeNode } from './normalize-node.ts';
import { declaredOutputNames } from './normalize-outputs.ts';
import { normalizeRetry, normalizeTimeout } from './normalize-policy.ts';
import { normalizeWorkflowSecurity } from './normalize-security.ts';
import { outputFieldsByNode } from './output-fields.ts';
import { warnRecordedFields } from './recorded-fields.ts';
import { validateReferences } from './validate-references.ts';
import { validateRuntime } from './validate-runtime.ts';
import type { Workflow, WorkflowEdge, WorkflowImport, WorkflowNode } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const REQUIRED = ['osop_version', 'id', 'name', 'nodes'] as const;

function requiredText(raw: Raw, key: string, context: NormalizeContext): string | undefined {
  const value = raw[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && key === 'osop_version') {
    context.sink.warning({
      code: 'version-not-string',
      path: [key],
      message: `osop_version ${value} is a number; YAML reads 1.0 as 1`,
      suggestion: `quote it: osop_version: "${value.toFixed(1)}"`,
    });
    return value.toFixed(1);
  }
  if (value !== undefined)
    context.sink.error({ code: 'invalid-field', path: [key], message: `${key} must be a non-empty string` });
  return undefined;
}

/** Collects node ids, reporting duplicates and ids that shadow a namespace. */
function nodeIdsOf(rawNodes: unknown[], context: NormalizeContext): string[] {
  const firstIndex = new Map<string, number>();
  rawNodes.forEach((raw, index) => {
    if (!isRecord(raw) || typeof raw.id !== 'string' || raw.id === '') return;
    const id = raw.id;
    const previous = firstIndex.get(id);
    if (previous !== undefined) {
      const first = context.source.locate(['nodes', previous, 'id']);
      context.sink.error({
        code: 'duplicate-node',
        path: ['nodes', index, 'id'],
        message: `node id "${id}" is used twice (first at line ${first.line})`,
        suggestion: 'give each node its own id',
      });
      return;
    }
    if (id === '__proto__' || id in Object.prototype) {
      context.sink.error({
        code: 'reserved-node-id',
        path: ['nodes', index, 'id'],
        message: `node id "${id}" is a name JavaScript objects reserve`,
        suggestion: `rename it, e.g. ${id.replace(/_/g, '')}_step`,
      });
    }
    if (RESERVED_NAMES.includes(id)) {
      context.sink.error({
        code: 'reserved-node-id',
        path: ['nodes', index, 'id'],
        message: `node id "${id}" collides with the ${id} namespace in expressions`,
        suggestion: `rename it, e.g. ${id}_step`,
      });
    }
    firstIndex.set(id, index);
  });
  return [...firstIndex.keys()];
}

/** Node id → the output names it declares (the first node of an id wins, as for duplicate ids). */
function declaredOutputsByNode(rawNodes: unknown[]): Map<string, string[]> {
  const declared = new Map<string, string[]>();
  for (const raw of rawNodes) {
    if (isRecord(raw) && typeof raw.id === 'string' && !declared.has(raw.id))
      declared.set(raw.id, declaredOutputNames(raw));
  }
  return declared;
}

/** Output name → the first node declaring it, so `${test_dataset}` can mean that node's output. */
function outputProducers(declared: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const producers = new Map<string, string>();
  for (const [node, names] of declared) for (const name of names) if (!producers.has(name)) producers.set(name, node);
  return producers;
}

/** `imports`: paths of workflows a `workflow_ref` may name by id (loaded by loadWorkflowFile, subworkflows.ts). */
function importsOf(data: Raw, context: NormalizeContext): WorkflowImport[] {
  if (data.imports === undefined || data.imports === null) return [];
  if (!Array.isArray(data.imports)) {
    context.sink.error({
      code: 'invalid-imports',
      path: ['imports'],
      message: 'imports must be a list of paths',
      suggestion: 'write imports: [./child.osop.yaml]',
    });
    return [];
  }
  return data.imports.flatMap((uri: unknown, index): WorkflowImport[] => {
    if (typeof uri === 'string' && uri.trim() !== '')
      return [{ uri, position: context.source.locate(['imports', index]) }];
    context.sink.error({
      code: 'invalid-imports',
      path: ['imports', index],
      message: 'an imports entry must be a path (a non-empty string)',
      suggestion: 'write the path of a workflow file relative to this one',
    });
    return [];
  });
}

function listOf(raw: Raw, key: 'nodes' | 'edges', context: NormalizeContext): unknown[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  context.sink.error({ code: 'invalid-field', path: [key], message: `${key} must be a list` });
  return [];
}

export function normalizeWorkflow(data: unknown, context: NormalizeContext): Workflow | undefined {
  if (!isRecord(data)) {
    const what = data === undefined || data === null ? 'the document is empty' : 'the document is not a mapping';
    context.sink.error({
      code: 'not-a-workflow',
      path: [],
      message: `${what}: an OSOP workflow needs osop_version, id, name, nodes and edges`,
    });
    return undefined;
  }
  if (data.osoplog_version !== undefined) {
    context.sink.error({
      code: 'osoplog-record',
      path: [],
      message: 'this is an .osoplog execution record, not a workflow',
      suggestion: 'pass the .osop workflow it records, or check it with sopstate validate',
    });
    return undefined;
  }
  warnUnknownKeys(data, WORKFLOW_KEYS, [], context.sink, 'workflow');
  // A text field present but empty (`name:`) gets its own located error below; an empty nodes list has none.
  const missing = REQUIRED.filter((key) => data[key] === undefined || (key === 'nodes' && data[key] === null));
  if (missing.length > 0) {
    context.sink.error({
      code: 'missing-field',
      path: [],
      message: `missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
      suggestion: 'an OSOP workflow needs osop_version, id, name, nodes and edges',
    });
  }
  const osopVersion = requiredText(data, 'osop_version', context);
  const id = requiredText(data, 'id', context);
  const name = requiredText(data, 'name', context);
  const rawNodes = listOf(data, 'nodes', context);
  const rawEdges = listOf(data, 'edges', context);
  warnRecordedFields(data, rawNodes, context.sink);
  if (data.nodes !== undefined && rawNodes.length === 0 && Array.isArray(data.nodes)) {
    context.sink.error({ code: 'no-nodes', path: ['nodes'], message: 'a workflow needs at least one node' });
  }
  if (rawEdges.length === 0 && rawNodes.length > 1) {
    context.sink.error({
      code: 'no-edges',
      path: data.edges === undefined ? [] : ['edges'],
      message: `${rawNodes.length} nodes but no edges connect them`,
      suggestion: 'add edges: [{from: a, to: b}]',
    });
  }

  context.nodeIds = nodeIdsOf(rawNodes, context);
  context.declaredOutputs = declaredOutputsByNode(rawNodes);
  context.producers = outputProducers(context.declaredOutputs);
  const producers = context.producers;
  context.bareName = (name) => {
    const node = producers.get(name);
    return node ? { namespace: 'outputs', path: [node, name] } : { namespace: 'inputs', path: [name] };
  };
  context.security = normalizeWorkflowSecurity(data, context);
  const inputs = normalizeInputs(data.inputs, context);
  context.inputNames = new Set(inputs.map((input) => input.name));
  rawNodes.forEach((raw, index) => validateRuntime(raw, index, context));
  const written = rawNodes
    .map((raw, index) => normalizeNode(raw, index, context))
    .filter((node): node is WorkflowNode => node !== undefined);
  context.outputFields = outputFieldsByNode(written);
  context.nodeTypes = new Map(written.map((node) => [node.id, node.type]));
  const edges = rawEdges
    .map((raw, index) => normalizeEdge(raw, index, context))
    .filter((edge): edge is WorkflowEdge => edge !== undefined);
  const nodes = applyLoopBounds(written, edges, rawNodes, rawEdges, context);
  const unique = new Map(nodes.map((node) => [node.id, node] as const));
  const loopVars = edges.flatMap((edge) => (edge.iteratorVar ? [edge.iteratorVar] : []));
  validateReferences(
    rawNodes,
    { nodes: unique, inputs, inputsDeclared: data.inputs !== undefined && data.inputs !== null, loopVars },
    context,
  );

  const start = entryNodes([...unique.values()], edges);
  for (const nodeId of unreachableNodes([...unique.values()], edges, start)) {
    const index = rawNodes.findIndex((raw) => isRecord(raw) && raw.id === nodeId);
    context.sink.warning({
      code: 'unreachable-node',
      path: ['nodes', index],
      message: `node ${nodeId} can never run: no path leads to it from ${start.join(', ')}`,
    });
  }
  const imports = importsOf(data, context);
  const retry = normalizeRetry(data, [], context.sink);
  const timeoutMs = normalizeTimeout(data, [], context.sink);
  const cost = normalizeCost(data, [], context.sink);
  if (context.sink.hasErrors || !osopVersion || !id || !name) return undefined;
  return {
    file: context.file,
    osopVersion,
    id,
    name,
    ...(typeof data.description === 'string' ? { description: data.description } : {}),
    tags: Array.isArray(data.tags) ? data.tags.map(String) : [],
    inputs,
    secrets: secretsUsed(nodes),
    nodes,
    edges,
    ...(retry ? { retry } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(cost ? { cost } : {}),
    ...(imports.length > 0 ? { imports } : {}),
    start,
  };
}
