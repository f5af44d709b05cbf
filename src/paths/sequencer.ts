// Makes node executions finish in the order a path lists them, so parallel branches interleave as the path says.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NodeError, type Executor } from '../adapters/executor.ts';
import type { PathStep, WorkflowPath } from './path.ts';

/** A node the path never finishes (a parallel sibling still running when the run ended) waits until the run stops it. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => reject(new NodeError('stopped: the path ends before this node finishes', { code: 'aborted' }));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Wraps `run` so that step i runs only after step i-1 has finished and the machine has had a turn to
 * process it. `run` gets the path step this execution stands for (once per attempt when the node retries).
 */
export function inPathOrder(
  path: WorkflowPath,
  run: (step: PathStep, ...args: Parameters<Executor>) => ReturnType<Executor>,
): Executor {
  const order = path.steps.map((step) => `${step.node}#${step.visit}`);
  const settled = new Set<number>();
  let wake: Array<() => void> = [];
  const settle = (index: number) => {
    settled.add(index);
    const waiting = wake;
    wake = [];
    for (const resume of waiting) resume();
  };
  return async (execution) => {
    const index = order.indexOf(`${execution.node.id}#${execution.visit}`);
    if (index < 0) return untilAborted(execution.signal);
    while (settled.size < index) await new Promise<void>((resolve) => wake.push(resolve));
    await nextTurn();
    try {
      return await run(path.steps[index]!, execution);
    } finally {
      settle(index);
    }
  };
}
