// Replay-then-follow over SSE, shared by every per-run stream (run events, inspection records): stored items after
// Last-Event-ID (or ?after=N), then live ones; a gap in the live feed is filled from the store, so nothing is skipped.
import type { Context } from 'hono';
import type { Subscription } from './event-hub.ts';
import { SseSink, sseResponse } from './sse-sink.ts';

const REPLAY_BATCH = 500;
/** Tells EventSource clients to come back quickly after the server dropped them. */
const RETRY_MS = 500;

export interface Sequenced {
  seq: number;
}

export interface ReplaySource<T extends Sequenced> {
  /** Stored items with seq > `seq`, oldest first, at most `limit`. */
  after(seq: number, limit: number): T[] | Promise<T[]>;
  subscribe(): Subscription<T>;
  /** Whether more items may still come. */
  isLive(): boolean;
}

export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/** Turns an item into its SSE message. Keep one function per stream kind (module level): frames are cached by it. */
type ToMessage<T> = (item: T) => SseMessage;

export interface ReplayOptions<T extends Sequenced> {
  after: number;
  heartbeatMs: number;
  message: ToMessage<T>;
  /** An item after which nothing more is sent. */
  isFinal?: (item: T) => boolean;
}

/** The seq a client asks to resume after: Last-Event-ID, else ?after, else 0; undefined when it is not a whole number. */
export const requestedAfter = (c: Context): number | undefined => {
  const value = c.req.header('Last-Event-ID') ?? c.req.query('after');
  if (value === undefined || value === '') return 0;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
};

const oneLine = (name: string, value: string): string => {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${name} must not contain "\\r" or "\\n"`);
  return value;
};

/** The text/event-stream frame of one message (the format Hono's writeSSE writes). */
export const sseFrame = ({ id, event, data }: SseMessage): string =>
  `event: ${oneLine('event', event)}\n${data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n')}\nid: ${oneLine('id', id)}\n\n`;

const encoder = new TextEncoder();

// A live item is the same object for every subscriber of its run: its frame is built and encoded once, not once per
// client.
const framesByMessage = new WeakMap<ToMessage<never>, WeakMap<object, Uint8Array>>();

function frameOf<T extends Sequenced>(message: ToMessage<T>, item: T): Uint8Array {
  let frames = framesByMessage.get(message);
  if (!frames) framesByMessage.set(message, (frames = new WeakMap()));
  let frame = frames.get(item);
  if (frame === undefined) frames.set(item, (frame = encoder.encode(sseFrame(message(item)))));
  return frame;
}

class ReplayStream<T extends Sequenced> {
  last: number;
  finished = false;

  constructor(
    private readonly source: ReplaySource<T>,
    private readonly sink: SseSink,
    private readonly options: ReplayOptions<T>,
  ) {
    this.last = options.after;
  }

  /** The frames of `items` that follow on from the last one sent (up to a final one); stops at a gap. */
  #frames(items: T[]): { frames: Uint8Array[]; rest: T[] } {
    const frames: Uint8Array[] = [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (item.seq <= this.last) continue;
      if (item.seq > this.last + 1 || this.finished) return { frames, rest: items.slice(index) };
      frames.push(frameOf(this.options.message, item));
      this.last = item.seq;
      if (this.options.isFinal?.(item)) this.finished = true;
    }
    return { frames, rest: [] };
  }

  /** One write for every frame gathered (the shared frame itself when there is one). */
  async #write(frames: Uint8Array[]): Promise<void> {
    if (frames.length > 0) await this.sink.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }

  /** Sends every stored item after the last one sent. */
  async replay(): Promise<void> {
    for (;;) {
      if (this.sink.aborted) return;
      const batch = await this.source.after(this.last, REPLAY_BATCH);
      await this.#write(this.#frames(batch).frames);
      if (this.finished || batch.length < REPLAY_BATCH) return;
    }
  }

  async live(subscription: Subscription<T>): Promise<void> {
    for (let item = await subscription.next(); item; item = await subscription.next()) {
      // Everything that queued up while the last write was waiting goes out in one write.
      let pending = [item, ...subscription.drain()];
      while (pending.length > 0) {
        const { frames, rest } = this.#frames(pending);
        await this.#write(frames);
        if (this.finished || this.sink.aborted) return;
        if (rest.length === 0) break;
        // rest[0] came after a gap: the store has it and what was missed.
        await this.replay();
        if (this.finished || this.sink.aborted) return;
        pending = rest.slice(1);
      }
    }
    if (subscription.endReason === 'ended') await this.replay();
  }
}

const HEARTBEAT = encoder.encode(': heartbeat\n\n');

// One timer per heartbeat period for every open stream, not one per stream: 1,000 followers are 1 timer.
const heartbeats = new Map<number, Set<SseSink>>();
const timers = new Map<number, NodeJS.Timeout>();

const beatEvery = (ms: number, sink: SseSink): (() => void) => {
  let streams = heartbeats.get(ms);
  if (!streams) {
    const group = (streams = new Set());
    heartbeats.set(ms, group);
    timers.set(
      ms,
      setInterval(() => {
        for (const stream of group) stream.send(HEARTBEAT);
      }, ms),
    );
  }
  const group = streams;
  group.add(sink);
  return () => {
    if (!group.delete(sink) || group.size > 0) return;
    clearInterval(timers.get(ms));
    timers.delete(ms);
    heartbeats.delete(ms);
  };
};

const follow = async <T extends Sequenced>(
  sink: SseSink,
  source: ReplaySource<T>,
  options: ReplayOptions<T>,
): Promise<void> => {
  const stream = new ReplayStream(source, sink, options);
  let subscription: Subscription<T> | undefined;
  const stopBeating = beatEvery(options.heartbeatMs, sink);
  sink.onAbort(() => {
    stopBeating();
    subscription?.close();
  });
  try {
    await sink.write(encoder.encode(`retry: ${RETRY_MS}\n\n`));
    await stream.replay();
    if (stream.finished || sink.aborted) return;
    subscription = source.subscribe();
    // Items stored between the replay and the subscription.
    await stream.replay();
    if (stream.finished || sink.aborted || !source.isLive()) return;
    await stream.live(subscription);
  } finally {
    stopBeating();
    subscription?.close();
    sink.close();
  }
};

export const streamReplay = <T extends Sequenced>(
  c: Context,
  source: ReplaySource<T>,
  options: ReplayOptions<T>,
): Response => {
  const sink = new SseSink();
  // As Hono's streamSSE: a failure ends the stream (and is logged), it does not reach the client as an error page.
  follow(sink, source, options).catch((error: unknown) => console.error(error));
  return sseResponse(c, sink);
};
