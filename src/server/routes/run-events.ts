// GET /api/runs/:id/events: stored events after Last-Event-ID (or ?after=N), then live ones, as SSE.
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { isFinalEvent, type RunEvent } from '../../machine/run-event.ts';
import type { ServerContext } from '../context.ts';
import { apiError } from '../errors.ts';
import type { Subscription } from '../event-hub.ts';

const REPLAY_BATCH = 500;
/** Tells EventSource clients to come back quickly after the server dropped them. */
const RETRY_MS = 500;

const parseAfter = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return 0;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
};

class RunStream {
  last: number;
  finished = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly runId: string,
    private readonly sse: SSEStreamingApi,
    after: number,
  ) {
    this.last = after;
  }

  async send(event: RunEvent): Promise<void> {
    await this.sse.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
    this.last = event.seq;
    if (isFinalEvent(event)) this.finished = true;
  }

  /** Sends every stored event after the last one sent. */
  async replay(): Promise<void> {
    for (;;) {
      const batch = this.ctx.store.eventsAfter(this.runId, this.last, REPLAY_BATCH);
      for (const event of batch) {
        if (this.sse.aborted) return;
        await this.send(event);
        if (this.finished) return;
      }
      if (batch.length < REPLAY_BATCH) return;
    }
  }

  async live(subscription: Subscription): Promise<void> {
    for (let event = await subscription.next(); event; event = await subscription.next()) {
      if (event.seq <= this.last) continue;
      if (event.seq > this.last + 1) await this.replay();
      else await this.send(event);
      if (this.finished || this.sse.aborted) return;
    }
    if (subscription.endReason === 'ended') await this.replay();
  }
}

export const runEventRoutes = (ctx: ServerContext): Hono =>
  new Hono().get('/:id/events', (c) => {
    const runId = c.req.param('id');
    const run = ctx.store.getRun(runId);
    if (!run) return apiError(c, 404, 'unknown-run', `no run ${runId}`);
    const after = parseAfter(c.req.header('Last-Event-ID') ?? c.req.query('after'));
    if (after === undefined) return apiError(c, 400, 'bad-last-event-id', 'Last-Event-ID / ?after must be a whole number (an event seq)');
    // Nothing more will ever come: 204 tells EventSource clients to stop reconnecting.
    if (run.status !== 'RUNNING' && after >= run.lastSeq) return c.body(null, 204);

    return streamSSE(c, async (sse) => {
      const stream = new RunStream(ctx, runId, sse, after);
      let subscription: Subscription | undefined;
      const heartbeat = setInterval(() => void sse.write(': heartbeat\n\n'), ctx.heartbeatMs);
      sse.onAbort(() => {
        clearInterval(heartbeat);
        subscription?.close();
      });
      try {
        await sse.write(`retry: ${RETRY_MS}\n\n`);
        await stream.replay();
        if (stream.finished || sse.aborted) return;
        subscription = ctx.manager.subscribe(runId);
        // Events stored between the replay and the subscription.
        await stream.replay();
        if (stream.finished || sse.aborted || !ctx.manager.isLive(runId)) return;
        await stream.live(subscription);
      } finally {
        clearInterval(heartbeat);
        subscription?.close();
      }
    });
  });
