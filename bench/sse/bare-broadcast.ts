// The floor for SSE delivery on this machine: a bare node:http server that writes a recorded run's frames, at the
// moments the runner emitted them, straight to every subscriber's socket (no store, no hub, no web streams). Measured
// with the same client process as sopstate, it says how much of the latency the machine and the clients take.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One event of a recorded run: its SSE frame, and when the runner emitted it (ms after the first live one). */
export interface RecordedFrame {
  seq: number;
  frame: string;
  at: number;
}

export interface BareBroadcast {
  url: string;
  /** Writes the live frames to every subscriber at their recorded offsets; resolves with each seq's emit time. */
  play(): Promise<Map<number, number>>;
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * A server whose stream first sends `replayed` (what a subscriber replays before it is live), then, on `play()`,
 * `live`: the frames emitted within the same millisecond go out in one write per subscriber, as sopstate writes a
 * stored batch.
 */
export async function startBareBroadcast(replayed: string, live: RecordedFrame[]): Promise<BareBroadcast> {
  const subscribers = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(replayed);
    subscribers.add(response);
    request.on('close', () => subscribers.delete(response));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  const batches = new Map<number, RecordedFrame[]>();
  for (const frame of live) {
    const at = Math.round(frame.at);
    const batch = batches.get(at);
    if (batch) batch.push(frame);
    else batches.set(at, [frame]);
  }
  return {
    url: `http://127.0.0.1:${port}/events`,
    play: () =>
      new Promise((played) => {
        const emitted = new Map<number, number>();
        const start = now();
        let left = batches.size;
        for (const [at, frames] of batches) {
          setTimeout(
            () => {
              const bytes = Buffer.from(frames.map((frame) => frame.frame).join(''));
              for (const frame of frames) emitted.set(frame.seq, now());
              for (const subscriber of subscribers) subscriber.write(bytes);
              if (--left === 0) {
                for (const subscriber of subscribers) subscriber.end();
                played(emitted);
              }
            },
            Math.max(0, start + at - now()),
          );
        }
      }),
    close: () =>
      new Promise((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
