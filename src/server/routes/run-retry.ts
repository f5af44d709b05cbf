// POST /api/runs/:id/retry {from?, inputs?, inputText?}: a new run that starts at the failed node (or `from`) with the
// outputs of the nodes before it, linked to the old one; changed inputs are checked like a new run's.
import type { z } from 'zod';
import { failedNode, RetryError, snapshotContext } from '../../machine/retry-snapshot.ts';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import type { retryBody } from '../contract/requests.ts';
import { preflight } from '../preflight.ts';
import { publicDiagnostics } from '../public-paths.ts';
import { errorMessage } from '../../util/error-message.ts';

export interface RetryStarted {
  runId: string;
  retryOf: string;
  from: string;
}

export const retryRun = async (
  ctx: ServerContext,
  runId: string,
  body: z.output<typeof retryBody>,
): Promise<RetryStarted> => {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new ApiError(404, 'unknown-run', `no run ${runId}`);
  if (run.status === 'RUNNING')
    throw new ApiError(409, 'run-running', `run ${runId} is still running: cancel it or wait for it to end`);
  const events = await ctx.store.eventsAfter(runId, 0, Number.MAX_SAFE_INTEGER);
  // Its outputs were made up: a live run must not start from them.
  if (events[0]?.type === 'run.started' && events[0].dryRun)
    throw new ApiError(
      409,
      'dry-run',
      `run ${runId} is a dry run, whose outputs were made up: start a new run instead`,
    );
  const from = body.from ?? failedNode(events);
  if (!from)
    throw new ApiError(409, 'nothing-failed', `run ${runId} has no failed node: pass "from" to pick where to start`);
  const entry = await ctx.catalog.get(run.workflowId).catch(() => undefined);
  if (!entry?.workflow)
    throw new ApiError(
      409,
      'invalid-workflow',
      `workflow ${run.workflowId} no longer loads, so run ${runId} cannot be retried`,
    );
  const before = snapshotContext(run.snapshot);
  if (!before) throw new ApiError(409, 'no-snapshot', `run ${runId} left no snapshot to retry from`);
  const checked = preflight(
    entry.workflow,
    {
      inputs: { ...before.inputs, ...body.inputs },
      ...(body.inputText !== undefined ? { inputText: body.inputText } : {}),
    },
    { allowCli: ctx.allowCli, hasSecret: ctx.hasSecret },
  );
  if (checked.diagnostics.length > 0) {
    const diagnostics = publicDiagnostics(ctx.catalog.dir, checked.diagnostics);
    throw new ApiError(400, 'invalid-run', `cannot retry ${runId}: ${diagnostics[0].message}`, { diagnostics });
  }
  let retry;
  try {
    retry = await ctx.manager.retry(run, entry.workflow, from, checked.inputs);
  } catch (error) {
    throw new ApiError(400, error instanceof RetryError ? 'cannot-retry' : 'start-failed', errorMessage(error));
  }
  return { runId: retry.id, retryOf: runId, from };
};
