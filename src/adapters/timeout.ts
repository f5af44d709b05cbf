// A node's own timeout: the attempt is aborted and fails with a NodeError of kind `timeout`.
import { NodeError, type Executor } from './executor.ts';
import { setLongTimeout, type LongTimer } from './long-timer.ts';

/** After aborting, how long the executor may take to answer with its own error (which may say a POST was in flight). */
const ABORT_GRACE_MS = 1000;

function timeoutError(node: string, timeoutMs: number): NodeError {
  return new NodeError(`${node} timed out after ${formatDuration(timeoutMs)}`, {
    code: 'timeout',
    kind: 'timeout',
    retryable: true,
  });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3 * 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  if (ms < 3 * 86_400_000) return `${+(ms / 3_600_000).toFixed(1)}h`;
  return `${+(ms / 86_400_000).toFixed(1)}d`;
}

/**
 * Runs the executor with its own AbortSignal that fires `timeoutMs` after the attempt started (or when the outer
 * signal does). `execution.startedAt` is the start a resumed attempt kept, so a restart does not extend its deadline.
 */
export function withTimeout(executor: Executor, timeoutMs: number | undefined): Executor {
  if (!timeoutMs || timeoutMs <= 0) return executor;
  return (execution) => {
    const controller = new AbortController();
    const abortFromOuter = () => controller.abort(execution.signal.reason);
    execution.signal.addEventListener('abort', abortFromOuter, { once: true });
    let timer: LongTimer | undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const remainingMs = (execution.startedAt ?? Date.now()) + timeoutMs - Date.now();
    const expired = new Promise<never>((_, reject) => {
      timer = setLongTimeout(() => {
        const error = timeoutError(execution.node.id, timeoutMs);
        controller.abort(error);
        grace = setTimeout(() => reject(error), ABORT_GRACE_MS);
      }, remainingMs);
    });
    const work = executor({ ...execution, signal: controller.signal });
    return Promise.race([work, expired]).finally(() => {
      timer?.clear();
      clearTimeout(grace);
      execution.signal.removeEventListener('abort', abortFromOuter);
    });
  };
}
