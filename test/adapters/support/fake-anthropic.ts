// A scripted stand-in for POST /v1/messages (streaming), recording requests (tests only).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

type FakeReply =
  | { kind: 'stream'; chunks: string[]; inputTokens?: number; outputTokens?: number; model?: string }
  | { kind: 'error'; status: number; type: string; message?: string; headers?: Record<string, string> }
  /** Streams `chunks`, then an SSE `error` event (as the API does when overloaded mid-stream). */
  | { kind: 'stream-error'; chunks: string[]; type: string };

export interface FakeAnthropic {
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }>;
  reply(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

const sse = (type: string, data: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const start = (model: string, inputTokens: number): string =>
  sse('message_start', {
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  }) + sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });

const deltas = (chunks: string[]): string =>
  chunks.map((text) => sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })).join('');

export const startFakeAnthropic = async (): Promise<FakeAnthropic> => {
  const requests: FakeAnthropic['requests'] = [];
  const queue: FakeReply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      const reply = queue.shift() ?? { kind: 'stream', chunks: ['ok'] };
      if (reply.kind === 'error') {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message ?? reply.type } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const model = String(body.model);
      if (reply.kind === 'stream-error') {
        res.end(
          start(model, 5) + deltas(reply.chunks) + sse('error', { error: { type: reply.type, message: 'Overloaded' } }),
        );
        return;
      }
      res.end(
        start(reply.model ?? model, reply.inputTokens ?? 10) +
          sse('ping', {}) +
          deltas(reply.chunks) +
          sse('content_block_stop', { index: 0 }) +
          sse('message_delta', {
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: reply.outputTokens ?? reply.chunks.length },
          }) +
          sse('message_stop', {}),
      );
    });
  });
  return { ...(await listenOnLoopback(server)), requests, reply: (...replies) => queue.push(...replies) };
};
