// The body of one text/event-stream response: bytes go straight into the response's ReadableStream (one enqueue per
// write), not through Hono's streamSSE (a TransformStream, a writer promise and a second ReadableStream per write).
// With 100 followers of a run, that is 100 writes per batch of events, so the hops showed in the profile.
import type { Context } from 'hono';

export class SseSink {
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #aborted = false;
  #closed = false;
  /** Wakes the writer waiting for the reader to take what it wrote. */
  #taken: (() => void) | undefined;
  readonly #onAbort: Array<() => void> = [];

  constructor() {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#wake(),
        // The client went away (the server's reader is cancelled).
        cancel: () => this.#abort(),
      },
      { highWaterMark: 1 },
    );
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  onAbort(listener: () => void): void {
    this.#onAbort.push(listener);
  }

  /**
   * Queues `bytes` and resolves once the response has taken them: what the caller gathers meanwhile goes out in its
   * next write, and a slow client holds the writer back instead of growing a queue.
   */
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.#push(bytes)) return;
    if ((this.#controller.desiredSize ?? 0) > 0) return;
    await new Promise<void>((resolve) => (this.#taken = resolve));
  }

  /** Queues `bytes` without waiting (a heartbeat: a few bytes, never held back). */
  send(bytes: Uint8Array): void {
    this.#push(bytes);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake();
    if (!this.#aborted) this.#controller.close();
  }

  #push(bytes: Uint8Array): boolean {
    if (this.#aborted || this.#closed) return false;
    this.#controller.enqueue(bytes);
    return true;
  }

  #wake(): void {
    const taken = this.#taken;
    this.#taken = undefined;
    taken?.();
  }

  #abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#wake();
    for (const listener of this.#onAbort) listener();
  }
}

/** A text/event-stream response whose body `sink` writes, with the headers Hono's streamSSE sets. */
export const sseResponse = (c: Context, sink: SseSink): Response => {
  c.header('Transfer-Encoding', 'chunked');
  c.header('Content-Type', 'text/event-stream');
  c.header('Cache-Control', 'no-cache');
  c.header('Connection', 'keep-alive');
  return c.newResponse(sink.readable);
};
