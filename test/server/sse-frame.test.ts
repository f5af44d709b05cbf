import { SSEStreamingApi } from 'hono/streaming';
import { describe, expect, it } from 'vitest';
import { sseFrame, type SseMessage } from '../../src/server/sse-replay.ts';

/** What Hono's own writeSSE puts on the wire for `message`. */
async function honoFrame(message: SseMessage): Promise<string> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const api = new SSEStreamingApi(writable, readable);
  const reader = api.responseReadable.getReader();
  const [read] = await Promise.all([reader.read(), api.writeSSE(message)]);
  return new TextDecoder().decode(read.value);
}

describe('sseFrame', () => {
  it('writes the same bytes as Hono’s writeSSE, multi-line data included', async () => {
    for (const message of [
      { id: '7', event: 'node.completed', data: JSON.stringify({ seq: 7, text: 'a "quoted" é' }) },
      { id: '8', event: 'agent.delta', data: 'first\nsecond\r\nthird\rfourth' },
    ]) {
      expect(sseFrame(message)).toBe(await honoFrame(message));
    }
  });

  it('refuses an id or event name with a line break, which would corrupt the stream', () => {
    expect(() => sseFrame({ id: '1\n', event: 'x', data: '' })).toThrow(/id must not contain/);
    expect(() => sseFrame({ id: '1', event: 'x\ry', data: '' })).toThrow(/event must not contain/);
  });
});
