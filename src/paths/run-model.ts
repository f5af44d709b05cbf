// Model-level path test: the real runner, every node replaced by a stub that replays the path's outcome for that visit.
import type { ExecutorRegistry } from '../adapters/executor.ts';
import { startRun } from '../machine/runner.ts';
import type { RunEvent } from '../events/run-event.ts';
import type { Workflow } from '../osop/workflow.ts';
import { checkRun, type PathCheck } from './check-run.ts';
import type { WorkflowPath } from './path.ts';
import { scriptedExecutors } from './stub-executors.ts';

export interface PathRunOptions {
  /** Default: the path's own inputs. */
  inputs?: Record<string, unknown>;
  secrets?: Record<string, string>;
  /** Executors to use instead of the stubs (the sandbox level). */
  executors?: ExecutorRegistry;
  /** Give up on a run that has not ended after this long (default 5 s: stubs answer at once). */
  watchdogMs?: number;
}

/** Every `${secrets.X}` gets a placeholder so the run can start: stubs never send it anywhere. */
export const placeholderSecrets = (workflow: Workflow): Record<string, string> =>
  Object.fromEntries(workflow.secrets.map((name) => [name, `path-test-${name}`]));

export async function runPath(
  workflow: Workflow,
  path: WorkflowPath,
  options: PathRunOptions = {},
): Promise<PathCheck> {
  const events: RunEvent[] = [];
  let handle: ReturnType<typeof startRun>;
  try {
    handle = startRun({
      workflow,
      inputs: options.inputs ?? path.inputs,
      secrets: options.secrets ?? placeholderSecrets(workflow),
      executors: options.executors ?? scriptedExecutors(workflow, path),
      runId: `path-${path.id}`,
      // Nobody sends events to a path test: an event edge's target goes on at once, its stub decides the rest.
      simulateEvents: true,
      onEvent: (event) => {
        events.push(event);
        // An approval gate (written, or asked for by a risk level) is let through: the path's stub decides the node.
        // The gate may wait while startRun is still returning, so the decision goes out on the next microtask.
        if (event.type === 'human.waiting')
          void Promise.resolve().then(() =>
            handle.signal(event.node, { decision: 'approved', comment: 'path test: gates pass' }),
          );
      },
    });
  } catch (failure) {
    return { path, passed: false, problems: [`the run did not start: ${(failure as Error).message}`], edges: [] };
  }
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<'stuck'>(
    (resolve) => (timer = setTimeout(() => resolve('stuck'), options.watchdogMs ?? 5_000)),
  );
  const ended = await Promise.race([handle.done, watchdog]);
  clearTimeout(timer);
  if (ended === 'stuck') {
    handle.cancel();
    const onPath = new Set(path.steps.map((step) => step.node));
    const strays = [
      ...new Set(
        events.flatMap((event) => (event.type === 'node.started' && !onPath.has(event.node) ? [event.node] : [])),
      ),
    ];
    const why = strays.length > 0 ? `: it started ${strays.join(', ')}, which the path does not finish` : '';
    return { path, passed: false, problems: [`the run did not end${why}`], edges: [] };
  }
  return checkRun(workflow, path, events);
}
