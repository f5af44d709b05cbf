// POST /api/runs/:id/retry {from?, inputs?, inputText?}: a new run that starts at the failed node (or `from`) with the
// outputs of the nodes before it, linked to the old one; changed inputs are checked like a new run's.
import type { Context } from 'hono';
import { failedNode, RetryError, snapshotContext } from '../../machine/retry-snapshot.ts';
import type { ServerContext } from '../context.ts';
import { apiError, readJsonObject } from '../errors.ts';
import { preflight } from '../preflight.ts';
import { publicDiagnostics } from '../public-paths.ts';
import { errorMessage } from '../../util/error-message.ts';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const retryRun = (ctx: ServerContext) => async (c: Context) => {
  const runId = c.req.param('id') ?? '';
  const body = (await readJsonObject(c)) ?? {};
  if (
    (body.from !== undefined && typeof body.from !== 'string') ||
    (body.inputs !== undefined && !isPlainObject(body.inputs))
  ) {
    return apiError(c, 400, 'bad-request', 'send {"from"?: "<node id>", "inputs"?: {...}, "inputText"?: {...}}');
  }
  const run = await ctx.store.getRun(runId);
  if (!run) return apiError(c, 404, 'unknown-run', `no run ${runId}`);
  if (run.status === 'RUNNING')
    return apiError(c, 409, 'run-running', `run ${runId} is still running: cancel it or wait for it to end`);
  const events = await ctx.store.eventsAfter(runId, 0, Number.MAX_SAFE_INTEGER);
  const from = (body.from as string | undefined) ?? failedNode(events);
  if (!from)
    return apiError(c, 409, 'nothing-failed', `run ${runId} has no failed node: pass "from" to pick where to start`);
  const entry = await ctx.catalog.get(run.workflowId).catch(() => undefined);
  if (!entry?.workflow)
    return apiError(
      c,
      409,
      'invalid-workflow',
      `workflow ${run.workflowId} no longer loads, so run ${runId} cannot be retried`,
    );
  const before = snapshotContext(run.snapshot);
  if (!before) return apiError(c, 409, 'no-snapshot', `run ${runId} left no snapshot to retry from`);
  const checked = preflight(
    entry.workflow,
    {
      inputs: { ...before.inputs, ...(body.inputs as Record<string, unknown> | undefined) },
      inputText: body.inputText,
    },
    {
      allowCli: ctx.allowCli,
      hasSecret: ctx.hasSecret,
    },
  );
  if (checked.diagnostics.length > 0) {
    const diagnostics = publicDiagnostics(ctx.catalog.dir, checked.diagnostics);
    return apiError(c, 400, 'invalid-run', `cannot retry ${runId}: ${diagnostics[0].message}`, diagnostics);
  }
  try {
    const retry = await ctx.manager.retry(run, entry.workflow, from, checked.inputs);
    return c.json({ runId: retry.id, retryOf: runId, from }, 201, { Location: `/api/runs/${retry.id}` });
  } catch (error) {
    if (error instanceof RetryError) return apiError(c, 400, 'cannot-retry', error.message);
    return apiError(c, 400, 'start-failed', errorMessage(error));
  }
};
