// GET /api/runs/:id/inspect: the run's XState inspection records (actors, events, snapshots), stored then live, as SSE.
import type { Hono } from 'hono';
import type { InspectionLog } from '../inspection-log.ts';
import type { InspectionRecord } from '../../inspect/record.ts';
import type { RouteModule } from '../app.ts';
import type { ServerContext } from '../context.ts';
import { ApiError } from '../api-error.ts';
import { requestedAfter, streamReplay, type SseMessage } from '../sse-replay.ts';

/** One function for every client, so each live record is serialized once (see sse-replay.ts). */
const recordMessage = (record: InspectionRecord): SseMessage => ({
  id: String(record.seq),
  event: record.type,
  data: JSON.stringify(record),
});

export const inspectRoutes =
  (log: InspectionLog): RouteModule =>
  (app: Hono, ctx: ServerContext) => {
    app.get('/api/runs/:id/inspect', async (c) => {
      const runId = c.req.param('id');
      const run = await ctx.store.getRun(runId);
      if (!run) throw new ApiError(404, 'unknown-run', `no run ${runId}`);
      const after = requestedAfter(c);
      if (after === undefined)
        throw new ApiError(400, 'bad-last-event-id', 'Last-Event-ID / ?after must be a whole number (a record seq)');
      // Nothing more will ever come: 204 tells EventSource clients to stop reconnecting.
      const lastSeq = await log.store.lastSeq(runId);
      if (!log.isLive(runId) && after >= lastSeq) return c.body(null, 204);
      // Records are stored before anyone sees them: following from a seq past them would silently skip up to it.
      if (after > lastSeq) {
        throw new ApiError(
          400,
          'bad-last-event-id',
          `run ${runId} has ${lastSeq} inspection records so far; resume after at most ${lastSeq} (or from 0 for all)`,
        );
      }
      return streamReplay(
        c,
        {
          after: (seq, limit) => log.store.after(runId, seq, limit),
          subscribe: () => log.subscribe(runId),
          isLive: () => log.isLive(runId),
        },
        { after, heartbeatMs: ctx.heartbeatMs, message: recordMessage },
      );
    });
  };
