// GET /api/runs/:id/events: stored events after Last-Event-ID (or ?after=N), then live ones, as SSE.
import { Hono } from 'hono';
import { isFinalEvent, type RunEvent } from '../../events/run-event.ts';
import type { ServerContext } from '../context.ts';
import { ApiError } from '../api-error.ts';
import { jsonText } from '../../util/json-text.ts';
import { requestedAfter, streamReplay, type SseMessage } from '../sse-replay.ts';

/** One function for every client, so each live event's frame is built once (see sse-replay.ts), from the JSON text
 * the runner or the store already made. */
const eventMessage = (event: RunEvent): SseMessage => ({
  id: String(event.seq),
  event: event.type,
  data: jsonText(event),
});

export const runEventRoutes = (ctx: ServerContext) =>
  new Hono().get('/:id/events', async (c) => {
    const runId = c.req.param('id');
    const run = await ctx.store.getRun(runId);
    if (!run) throw new ApiError(404, 'unknown-run', `no run ${runId}`);
    const after = requestedAfter(c);
    if (after === undefined)
      throw new ApiError(400, 'bad-last-event-id', 'Last-Event-ID / ?after must be a whole number (an event seq)');
    // Nothing more will ever come: 204 tells EventSource clients to stop reconnecting.
    if (run.status !== 'RUNNING' && after >= run.lastSeq) return c.body(null, 204);
    // Events are stored before anyone sees them, so a seq past the stored ones was never sent: following from it
    // would silently skip every event up to it.
    if (after > run.lastSeq) {
      throw new ApiError(
        400,
        'bad-last-event-id',
        `run ${runId} has ${run.lastSeq} events so far; resume after at most ${run.lastSeq} (or from 0 for all)`,
      );
    }

    return streamReplay(
      c,
      {
        after: (seq, limit) => ctx.store.eventsAfter(runId, seq, limit),
        subscribe: () => ctx.manager.subscribe(runId),
        isLive: () => ctx.manager.isLive(runId),
      },
      {
        after,
        heartbeatMs: ctx.heartbeatMs,
        message: eventMessage,
        isFinal: isFinalEvent,
      },
    );
  });
