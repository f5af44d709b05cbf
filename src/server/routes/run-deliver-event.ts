// POST /api/runs/:id/events: a named event for the node that waits for it at an `event` edge (docs/semantics.md
// "Events and spawn"). An event no node waits for yet is kept for the first one that does.
import { Hono } from 'hono';
import { workflowEventNames } from '../../adapters/event-wait.ts';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { deliverEventBody } from '../contract/requests.ts';
import { jsonBody } from '../validate.ts';

export const runDeliverEventRoutes = (ctx: ServerContext) =>
  new Hono().post('/:id/events', jsonBody(deliverEventBody), async (c) => {
    const runId = c.req.param('id');
    const { name, data } = c.req.valid('json');
    const run = await ctx.store.getRun(runId);
    if (!run) throw new ApiError(404, 'unknown-run', `no run ${runId}`);
    const loaded = await ctx.catalog.loadFile(run.workflowFile).catch(() => undefined);
    const known = loaded?.workflow ? workflowEventNames(loaded.workflow) : [];
    if (loaded?.workflow && !known.includes(name))
      throw new ApiError(
        409,
        'unknown-event',
        known.length === 0
          ? `workflow ${run.workflowId} has no event edge: no node of run ${runId} ever waits for an event`
          : `no event edge of workflow ${run.workflowId} waits for ${name} (its events: ${known.join(', ')})`,
      );
    const delivery = await ctx.manager.deliverEvent(runId, { name, data: data ?? null });
    if (delivery === 'not-running')
      throw new ApiError(
        409,
        'run-not-running',
        run.status === 'RUNNING'
          ? `run ${runId} is not driven by this server; send the event to the node that drives it`
          : `run ${runId} is ${run.status}, not running: no node of it waits for events any more`,
      );
    if (delivery.delivered) return c.json({ runId, name, delivered: true as const, node: delivery.node }, 200);
    const waiting = ctx.manager.awaitingEvents(runId);
    return c.json({ runId, name, delivered: false as const, queued: true as const, waiting }, 202);
  });
