// What an agent node asks Claude, and how its answer becomes outputs.
import { NodeError, type NodeExecution } from '../executor.ts';
import { OutputError } from '../../osop/outputs.ts';
import { declaredJsonOutputs, parseJsonObject } from '../json-outputs.ts';
import type { OutputSpec, WorkflowNode } from '../../osop/workflow.ts';

export interface AgentRequest {
  model: string;
  system?: string;
  user: string;
  temperature?: number;
  maxTokens: number;
}

const DEFAULT_MAX_TOKENS = 1024;

const invalid = (node: WorkflowNode, field: string, problem: string, fix: string): NodeError =>
  new NodeError(
    `${node.position.file}:${node.position.line}:${node.position.col}: agent node "${node.id}": runtime.${field} ${problem} — ${fix}`,
    {
      code: 'invalid_runtime',
    },
  );

const asText = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value, null, 2);

/**
 * docs/semantics.md: with no prompt, Claude gets the workflow inputs and the completed nodes' outputs as JSON. Compact:
 * indentation would be paid for as input tokens on every call, and it held a third of the text of a parked run.
 */
const defaultUserContent = (context: NodeExecution['context']): string =>
  JSON.stringify({ inputs: context.inputs, outputs: context.outputs });

export const parseAgentRequest = (execution: NodeExecution): AgentRequest => {
  const { node, runtime } = execution;
  const provider = runtime.provider ?? 'anthropic';
  if (provider !== 'anthropic') {
    throw invalid(
      node,
      'provider',
      `is ${JSON.stringify(provider)}, which sopstate cannot run`,
      'use provider: anthropic',
    );
  }
  if (typeof runtime.model !== 'string' || runtime.model === '') {
    throw invalid(node, 'model', 'is missing', 'name a Claude model, e.g. model: claude-sonnet-4-6');
  }
  const temperature = runtime.temperature;
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 1)) {
    throw invalid(node, 'temperature', `is ${JSON.stringify(temperature)}`, 'give a number from 0 to 1');
  }
  const maxTokens = runtime.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    throw invalid(node, 'max_tokens', `is ${JSON.stringify(maxTokens)}`, 'give a whole number such as 1024');
  }
  return {
    model: runtime.model,
    system: asText(runtime.system_prompt ?? runtime.system),
    user: asText(runtime.prompt ?? runtime.user_prompt) ?? defaultUserContent(execution.context),
    temperature,
    maxTokens,
  };
};

/**
 * Outputs: `text` (the completion). When the node declares outputs and the text is a JSON object,
 * a declared name takes the field of that name, a mapping (`summary: data.summary`) reads the
 * object as `data`.
 */
export const agentOutputs = (node: WorkflowNode, text: string): Record<string, unknown> => {
  const specs: OutputSpec[] = node.outputs;
  const json = specs.length > 0 ? parseJsonObject(text) : undefined;
  if (!json) return { text };
  try {
    return { text, ...declaredJsonOutputs(specs, json) };
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    throw new NodeError(`agent node "${node.id}": ${error.message}`, { code: 'output_extraction', cause: error });
  }
};
