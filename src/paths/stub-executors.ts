// Executors that replay a path: each node yields the path's outcome for that visit, in the path's order.
import { NodeError, type ExecutorRegistry, type NodeResult } from '../adapters/executor.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { PathStep, WorkflowPath } from './path.ts';
import { inPathOrder } from './sequencer.ts';

/** What a stub does for one step: resolve with the outcome's outputs or throw its error. */
export async function replayStep(step: PathStep): Promise<NodeResult> {
  const { outcome } = step;
  if (outcome.kind === 'done') return { outputs: structuredClone(outcome.outputs) };
  const { message, code, kind, outputs } = outcome.error;
  throw new NodeError(message, {
    code,
    kind,
    retryable: false,
    ...(outputs ? { outputs: structuredClone(outputs) } : {}),
  });
}

export function scriptedExecutors(workflow: Workflow, path: WorkflowPath): ExecutorRegistry {
  const replay = inPathOrder(path, replayStep);
  return Object.fromEntries([...new Set(workflow.nodes.map((node) => node.type))].map((type) => [type, replay]));
}
