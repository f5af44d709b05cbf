// A node's own timeout: the attempt is aborted and fails with a NodeError of kind `timeout`.
import { NodeError, type Executor } from './executor.ts';

export function timeoutError(node: string, timeoutMs: number): NodeError {
  return new NodeError(`${node} timed out after ${formatDuration(timeoutMs)}`, { code: 'timeout', kind: 'timeout', retryable: true });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${+(ms / 60_000).toFixed(1)}m`;
}

/** Runs the executor with its own AbortSignal that fires after `timeoutMs` (or when the outer signal does). */
export function withTimeout(executor: Executor, timeoutMs: number | undefined): Executor {
  if (!timeoutMs || timeoutMs <= 0) return executor;
  return (execution) => {
    const controller = new AbortController();
    const abortFromOuter = () => controller.abort(execution.signal.reason);
    execution.signal.addEventListener('abort', abortFromOuter, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = timeoutError(execution.node.id, timeoutMs);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const work = executor({ ...execution, signal: controller.signal });
    return Promise.race([work, expired]).finally(() => {
      clearTimeout(timer);
      execution.signal.removeEventListener('abort', abortFromOuter);
    });
  };
}
