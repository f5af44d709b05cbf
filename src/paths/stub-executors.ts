// Executors that replay a path: each node yields the outcome the path gives it on that visit, and nothing else runs.
import { NodeError, type Executor, type ExecutorRegistry } from '../adapters/executor.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { Outcome } from './outcomes.ts';

export const DEVIATION_CODE = 'path_deviation';

export function scriptedExecutors(workflow: Workflow, script: Map<string, Outcome[]>): ExecutorRegistry {
  const replay: Executor = async ({ node, visit }) => {
    const outcome = script.get(node.id)?.[visit - 1];
    if (!outcome) {
      throw new NodeError(`path test: ${node.id} ran a visit the path does not have (visit ${visit})`, { code: DEVIATION_CODE });
    }
    if (outcome.kind === 'done') return { outputs: structuredClone(outcome.outputs) };
    throw new NodeError(outcome.error.message, { code: outcome.error.code, kind: outcome.error.kind, retryable: false });
  };
  return Object.fromEntries([...new Set(workflow.nodes.map((node) => node.type))].map((type) => [type, replay]));
}
