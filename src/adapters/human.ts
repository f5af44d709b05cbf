// The `human` node: waits for a decision delivered through the run handle; `rejected` is a failure a fallback can catch.
import type { HumanDecision } from '../events/human-decision.ts';
import { NodeError, type Executor } from './executor.ts';

interface Waiter {
  resolve: (decision: HumanDecision) => void;
}

/** Where waiting human nodes park until someone decides. One gate can serve many runs. */
export class HumanGate {
  readonly #waiters = new Map<string, Waiter>();

  #key = (runId: string, node: string) => `${runId}\u0000${node}`;

  wait(runId: string, node: string, signal: AbortSignal): Promise<HumanDecision> {
    return new Promise((resolve, reject) => {
      const key = this.#key(runId, node);
      const onAbort = () => {
        this.#waiters.delete(key);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.set(key, {
        resolve: (decision) => {
          signal.removeEventListener('abort', onAbort);
          this.#waiters.delete(key);
          resolve(decision);
        },
      });
    });
  }

  /** False when that node is not waiting. */
  signal(runId: string, node: string, decision: HumanDecision): boolean {
    const waiter = this.#waiters.get(this.#key(runId, node));
    waiter?.resolve(decision);
    return waiter !== undefined;
  }

  waiting(runId: string): string[] {
    const prefix = `${runId}\u0000`;
    return [...this.#waiters.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  }
}

const promptOf = (runtime: Record<string, unknown>, fallback?: string): string | undefined =>
  typeof runtime.prompt === 'string'
    ? runtime.prompt
    : typeof runtime.message === 'string'
      ? runtime.message
      : fallback;

/** The resolved runtime fields other than the prompt: what else the approver is shown (amounts, links...). */
const detailsOf = (runtime: Record<string, unknown>): Record<string, unknown> | undefined => {
  const rest = Object.entries(runtime).filter(([key]) => key !== 'prompt' && key !== 'message');
  return rest.length > 0 ? Object.fromEntries(rest) : undefined;
};

/** Outputs: `decision`, `approved` (boolean, so `approved == true` conditions work), `comment`, and any `data` fields. */
export function createHumanExecutor(gate: HumanGate): Executor {
  return async (execution) => {
    const { node } = execution;
    const prompt = promptOf(execution.runtime, node.description ?? node.name);
    const details = detailsOf(execution.runtime);
    execution.emit({
      type: 'human.waiting',
      node: node.id,
      ...(prompt ? { prompt } : {}),
      ...(details ? { details } : {}),
    });
    const decision = await gate.wait(execution.runId, node.id, execution.signal);
    if (decision.decision === 'rejected') {
      throw new NodeError(`${node.id} was rejected${decision.comment ? `: ${decision.comment}` : ''}`, {
        code: 'rejected',
      });
    }
    return {
      outputs: {
        ...decision.data,
        decision: decision.decision,
        approved: true,
        ...(decision.comment ? { comment: decision.comment } : {}),
      },
    };
  };
}
