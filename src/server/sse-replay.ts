// Replay-then-follow over SSE, shared by every per-run stream (run events, inspection records): stored items after
// Last-Event-ID (or ?after=N), then live ones; a gap in the live feed is filled from the store, so nothing is skipped.
import type { Context } from 'hono';
import { streamSSE, type SSEMessage, type SSEStreamingApi } from 'hono/streaming';
import type { Subscription } from './event-hub.ts';

const REPLAY_BATCH = 500;
/** Tells EventSource clients to come back quickly after the server dropped them. */
const RETRY_MS = 500;

export interface Sequenced {
  seq: number;
}

export interface ReplaySource<T extends Sequenced> {
  /** Stored items with seq > `seq`, oldest first, at most `limit`. */
  after(seq: number, limit: number): T[];
  subscribe(): Subscription<T>;
  /** Whether more items may still come. */
  isLive(): boolean;
}

export interface ReplayOptions<T extends Sequenced> {
  after: number;
  heartbeatMs: number;
  message: (item: T) => SSEMessage;
  /** An item after which nothing more is sent. */
  isFinal?: (item: T) => boolean;
}

/** The seq a client asks to resume after: Last-Event-ID, else ?after, else 0; undefined when it is not a whole number. */
export const requestedAfter = (c: Context): number | undefined => {
  const value = c.req.header('Last-Event-ID') ?? c.req.query('after');
  if (value === undefined || value === '') return 0;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
};

class ReplayStream<T extends Sequenced> {
  last: number;
  finished = false;

  constructor(
    private readonly source: ReplaySource<T>,
    private readonly sse: SSEStreamingApi,
    private readonly options: ReplayOptions<T>,
  ) {
    this.last = options.after;
  }

  async send(item: T): Promise<void> {
    await this.sse.writeSSE(this.options.message(item));
    this.last = item.seq;
    if (this.options.isFinal?.(item)) this.finished = true;
  }

  /** Sends every stored item after the last one sent. */
  async replay(): Promise<void> {
    for (;;) {
      const batch = this.source.after(this.last, REPLAY_BATCH);
      for (const item of batch) {
        if (this.sse.aborted) return;
        await this.send(item);
        if (this.finished) return;
      }
      if (batch.length < REPLAY_BATCH) return;
    }
  }

  async live(subscription: Subscription<T>): Promise<void> {
    for (let item = await subscription.next(); item; item = await subscription.next()) {
      if (item.seq <= this.last) continue;
      if (item.seq > this.last + 1) await this.replay();
      else await this.send(item);
      if (this.finished || this.sse.aborted) return;
    }
    if (subscription.endReason === 'ended') await this.replay();
  }
}

export const streamReplay = <T extends Sequenced>(c: Context, source: ReplaySource<T>, options: ReplayOptions<T>): Response =>
  streamSSE(c, async (sse) => {
    const stream = new ReplayStream(source, sse, options);
    let subscription: Subscription<T> | undefined;
    const heartbeat = setInterval(() => void sse.write(': heartbeat\n\n'), options.heartbeatMs);
    sse.onAbort(() => {
      clearInterval(heartbeat);
      subscription?.close();
    });
    try {
      await sse.write(`retry: ${RETRY_MS}\n\n`);
      await stream.replay();
      if (stream.finished || sse.aborted) return;
      subscription = source.subscribe();
      // Items stored between the replay and the subscription.
      await stream.replay();
      if (stream.finished || sse.aborted || !source.isLive()) return;
      await stream.live(subscription);
    } finally {
      clearInterval(heartbeat);
      subscription?.close();
    }
  });
