// A stand-in for the real runner: walks the workflow's nodes in order, emits RunEvents, waits on
// human nodes, snapshots after each node and resumes from a snapshot. Enough to test the server.
import type { RunEvent, RunEventBody } from '../../../src/events/run-event.ts';
import type { HumanDecision } from '../../../src/events/human-decision.ts';
import type { RunHandle, RunOptions, RunResult } from '../../../src/machine/run-options.ts';

interface FakeSnapshot {
  next: number;
}

export interface FakeRunner {
  startRun: (options: RunOptions) => RunHandle;
  started: RunOptions[];
}

export interface FakeRunnerOptions {
  stepMs?: number;
  /** Adds a string of this size to every node's outputs (to fill network buffers). */
  payloadBytes?: number;
}

export const createFakeRunner = (options: FakeRunnerOptions = {}): FakeRunner => {
  const started: RunOptions[] = [];
  const startRun = (run: RunOptions): RunHandle => {
    started.push(run);
    const runId = run.runId as string;
    let seq = run.lastSeq ?? 0;
    const events: RunEvent[] = [];
    const waiters = new Map<string, (decision: HumanDecision) => void>();
    let cancelled = false;
    const emit = (body: RunEventBody): void => {
      const event = { ...body, runId, seq: ++seq, at: new Date().toISOString() } as RunEvent;
      events.push(event);
      run.onEvent?.(event);
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, options.stepMs ?? 1));
    const finish = (status: RunResult['status']): RunResult => ({
      runId,
      status,
      events,
      eventCount: events.length,
      outputs: {},
    });

    const walk = async (): Promise<RunResult> => {
      const first = (run.snapshot as FakeSnapshot | undefined)?.next ?? 0;
      if (first === 0) {
        emit({
          type: 'run.started',
          workflowId: run.workflow.id,
          workflowName: run.workflow.name,
          inputs: run.inputs ?? {},
          dryRun: false,
        });
      }
      const nodes = run.workflow.nodes;
      for (let index = first; index < nodes.length; index++) {
        const node = nodes[index];
        await pause();
        if (cancelled) break;
        emit({ type: 'node.started', node: node.id, nodeType: node.type, visit: 1, attempt: 1 });
        if (node.type === 'human') {
          emit({ type: 'human.waiting', node: node.id, prompt: node.description });
          const decision = await new Promise<HumanDecision>((resolve) => waiters.set(node.id, resolve));
          waiters.delete(node.id);
          if (decision.decision === 'rejected') {
            emit({
              type: 'node.failed',
              node: node.id,
              visit: 1,
              durationMs: 1,
              error: { message: 'rejected', code: 'rejected' },
            });
            const fallback = run.workflow.edges.find((edge) => edge.from === node.id && edge.mode === 'fallback');
            if (!fallback) {
              emit({
                type: 'run.failed',
                status: 'FAILED',
                durationMs: 1,
                error: { message: 'rejected', code: 'rejected' },
              });
              return finish('FAILED');
            }
            emit({ type: 'edge.taken', from: node.id, to: fallback.to, mode: 'fallback' });
            index = nodes.findIndex((n) => n.id === fallback.to) - 1;
            continue;
          }
        }
        emit({
          type: 'node.completed',
          node: node.id,
          visit: 1,
          durationMs: 1,
          outputs: { index, ...(options.payloadBytes ? { blob: 'x'.repeat(options.payloadBytes) } : {}) },
        });
        const snapshot = { next: index + 1 } satisfies FakeSnapshot;
        run.onSnapshot?.(snapshot);
        run.onTransition?.(() => snapshot);
        const edge = run.workflow.edges.find((e) => e.from === node.id && e.mode !== 'fallback');
        if (!edge) break;
        emit({ type: 'edge.taken', from: edge.from, to: edge.to, mode: edge.mode });
        index = nodes.findIndex((n) => n.id === edge.to) - 1;
      }
      if (cancelled) {
        emit({
          type: 'run.failed',
          status: 'CANCELLED',
          durationMs: 1,
          error: { message: 'cancelled', code: 'cancelled' },
        });
        return finish('CANCELLED');
      }
      // Like the real runner given a record writer: where the .osoplog went (the fake writes none).
      emit({
        type: 'run.completed',
        status: 'COMPLETED',
        durationMs: 1,
        osoplog: run.writeRecord ? `osoplogs/${runId}.osoplog.yaml` : undefined,
      });
      return finish('COMPLETED');
    };

    return {
      runId,
      done: walk(),
      signal: (node, decision) => {
        const waiter = waiters.get(node);
        if (!waiter) return false;
        waiter(decision);
        return true;
      },
      waiting: () => [...waiters.keys()],
      // The fake walks no event edges: every event is kept, none is waited for.
      deliverEvent: () => ({ delivered: false, queued: true }),
      awaitingEvents: () => [],
      // The fake has no XState actor: nothing to inspect.
      inspect: () => ({ unsubscribe: () => {} }),
      cancel: () => {
        cancelled = true;
        for (const waiter of waiters.values()) waiter({ decision: 'rejected' });
      },
    };
  };
  return { startRun, started };
};
