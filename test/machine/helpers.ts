// Test helpers: workflows from YAML text, executors scripted per node, readable traces of a run.
import { vi } from 'vitest';
import {
  NodeError,
  type Executor,
  type ExecutorRegistry,
  type NodeExecution,
  type NodeResult,
} from '../../src/adapters/executor.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import type { RunOptions, RunResult } from '../../src/machine/run-options.ts';
import { startRun } from '../../src/machine/runner.ts';

export function workflowFrom(yaml: string, file = 'test.osop.yaml'): Workflow {
  const result = loadWorkflowText(yaml, file);
  if (!result.workflow) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  return result.workflow;
}

/** The workflow `id` of these nodes and edges, written as OSOP JSON (JSON is YAML): for graphs built in code. */
export const workflowOf = (id: string, nodes: object[], edges: object[]): Workflow =>
  workflowFrom(JSON.stringify({ osop_version: '1.0', id, name: id, nodes, edges }), `${id}.osop.json`);

export type Script = Record<string, (execution: NodeExecution) => NodeResult | Promise<NodeResult>>;

/** Every node succeeds with no outputs unless its id is scripted. */
export function scripted(script: Script = {}): ExecutorRegistry {
  const executor: Executor = async (execution) =>
    script[execution.node.id] ? script[execution.node.id](execution) : { outputs: {} };
  return { '*': executor, human: executor };
}

/** Like scripted(), but human nodes wait for `handle.signal(...)` as in a real run. */
export function scriptedAwaitingHumans(script: Script = {}): ExecutorRegistry {
  const executors = scripted(script);
  delete executors.human;
  return executors;
}

/** A node that never finishes by itself: it ends only when the run aborts it (timeout, cancel). */
export const hang = ({ signal }: NodeExecution) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

export const fail = (message: string, options: ConstructorParameters<typeof NodeError>[1] = { code: 'boom' }) => {
  throw new NodeError(message, options);
};

export async function run(workflow: Workflow, options: Partial<RunOptions> = {}): Promise<RunResult> {
  return startRun({ workflow, executors: scripted(), ...options }).done;
}

/** Like run(), on a fake clock moved `ms` forward before the result is awaited; real timers again afterwards. */
export async function runOnFakeClock(
  ms: number,
  workflow: Workflow,
  options: Partial<RunOptions> = {},
): Promise<RunResult> {
  vi.useFakeTimers();
  try {
    const handle = startRun({ workflow, executors: scripted(), ...options });
    await vi.advanceTimersByTimeAsync(ms);
    return await handle.done;
  } finally {
    vi.useRealTimers();
  }
}

/** The path a run took, as `a → b (mode)` lines. */
export const edges = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'edge.taken' ? [`${event.from} → ${event.to} (${event.mode})`] : []));

export const started = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'node.started' ? [event.node] : []));

export const completed = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'node.completed' ? [event.node] : []));

export const skipped = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'node.skipped' ? [event.node] : []));

export const finalEvent = (events: RunEvent[]) => events[events.length - 1];

export function expectGapless(events: RunEvent[], from = 1): void {
  events.forEach((event, index) => {
    if (event.seq !== from + index) throw new Error(`seq ${event.seq} at position ${index}, expected ${from + index}`);
  });
}
