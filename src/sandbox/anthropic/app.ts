import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { appendCall } from '../shared/call-log.ts';
import { mountControlRoutes } from '../shared/control-routes.ts';
import { FaultQueue } from '../shared/fault-queue.ts';
import { randomId, sleep } from '../shared/ids.ts';
import { checkAnthropicHeaders } from './auth.ts';
import { AnthropicHttpError, invalidRequest } from './errors.ts';
import { faultError, parseAnthropicFault, type AnthropicFault, type AnthropicFaultRule } from './faults.ts';
import type { PaymentLookup } from './payment-details.ts';
import { composeReply } from './reply.ts';
import { parseMessagesRequest } from './request.ts';
import { isContentDelta, messageEvents } from './sse.ts';
import { NO_PACING, pacingDelays, type StreamPacing } from './pacing.ts';
import { countTokens, requestText } from './text.ts';
import type { AnthropicCallRecord, AnthropicState, MessageResponse } from './types.ts';

export interface AnthropicEmulatorOptions {
  /** Fills payment details a prompt names only by `pi_...` id (startSandbox wires the Stripe sandbox). */
  lookup?: PaymentLookup;
  /** Pause between streamed events so a terminal shows the text arriving (default 0). */
  streamChunkDelayMs?: number;
  /** Time to first token and the spread of the text (default: none, all at once). */
  pacing?: StreamPacing;
  /** Stream text in pieces of this many characters instead of three words (tests of split secrets). */
  textChunkChars?: number;
}

export interface AnthropicEmulator {
  readonly app: Hono;
  fetch(request: Request): Response | Promise<Response>;
  /** A deep copy of every request answered (bodies, replies, status, fault). */
  state(): AnthropicState;
  /** Arms a fault for the next `times` (default 1) calls matching `method` + `path` (e.g. `/v1/messages`). */
  addFault(rule: AnthropicFaultRule): void;
  clearFaults(): void;
  pendingFaults(): Array<AnthropicFaultRule & { remaining: number }>;
  reset(): void;
}

export function createAnthropicEmulator(options: AnthropicEmulatorOptions = {}): AnthropicEmulator {
  const calls: AnthropicCallRecord[] = [];
  const faults = new FaultQueue<AnthropicFault>();
  /** The calls a stream_error fault took, and how many content deltas each streams before its error. */
  const failAfterDeltas = new WeakMap<AnthropicCallRecord, number>();
  const emulator: AnthropicEmulator = {
    app: new Hono(),
    fetch: (request) => emulator.app.fetch(request),
    state: () => structuredClone({ calls }),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    reset: () => {
      calls.length = 0;
      faults.clear();
    },
  };
  const app = emulator.app;
  mountControlRoutes(app, { ...emulator, parseFault: parseAnthropicFault });

  app.post('/v1/messages', async (c) => {
    const call = record(c);
    try {
      const request = parseMessagesRequest(await prepare(c, call));
      call.stream = request.stream === true;
      const reply = composeReply(request, { lookup: options.lookup });
      call.reply = reply;
      call.status = 200;
      if (!request.stream) return c.json(reply, 200, { 'request-id': call.requestId });
      return stream(c, reply, call);
    } catch (error) {
      return answerError(c, call, error);
    }
  });

  app.post('/v1/messages/count_tokens', async (c) => {
    const call = record(c);
    try {
      const body = (await prepare(c, call)) as Record<string, unknown>;
      const request = parseMessagesRequest({ max_tokens: 1, ...body });
      call.status = 200;
      return c.json({ input_tokens: Math.max(1, countTokens(requestText(request))) }, 200, {
        'request-id': call.requestId,
      });
    } catch (error) {
      return answerError(c, call, error);
    }
  });

  app.notFound((c) => c.json({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }, 404));
  app.onError((error, c) =>
    c.json(
      { type: 'error', error: { type: 'api_error', message: `The Claude sandbox failed: ${error.message}` } },
      500,
    ),
  );

  function record(c: Context): AnthropicCallRecord {
    const call: AnthropicCallRecord = {
      requestId: randomId('req_011'),
      at: new Date().toISOString(),
      path: c.req.path,
      status: 0,
      stream: false,
      fault: null,
      body: null,
      reply: null,
    };
    appendCall(calls, call);
    return call;
  }

  /** Headers, body and injected faults: what every endpoint checks before answering. */
  async function prepare(c: Context, call: AnthropicCallRecord): Promise<unknown> {
    checkAnthropicHeaders(c.req.raw.headers);
    try {
      call.body = await c.req.json();
    } catch {
      throw invalidRequest('There was an error parsing the body of your request: expected JSON.');
    }
    const fault = faults.take(c.req.method, c.req.path);
    if (fault) {
      call.fault = fault.type;
      if (fault.type === 'stream_error') failAfterDeltas.set(call, fault.afterDeltas ?? 0);
      if (fault.type === 'delay') await sleep(fault.ms);
      const failure = faultError(fault);
      if (failure) throw failure;
    }
    return call.body;
  }

  function stream(c: Context, reply: MessageResponse, call: AnthropicCallRecord): Response {
    const events = messageEvents(reply, { textChunkChars: options.textChunkChars });
    const delays = pacingDelays(events, options.pacing ?? NO_PACING, options.streamChunkDelayMs ?? 0);
    const failAfter = failAfterDeltas.get(call);
    // More deltas asked for than the reply has: it fails right after its last one.
    const deltasBeforeError = Math.min(failAfter ?? 0, events.filter(isContentDelta).length);
    c.header('request-id', call.requestId);
    return streamSSE(c, async (sse) => {
      let deltasSent = 0;
      for (const [index, streamEvent] of events.entries()) {
        // Not before the stream has begun: message_start and the first block's start go out.
        if (failAfter !== undefined && index >= 2 && deltasSent >= deltasBeforeError) {
          await sse.writeSSE({
            event: 'error',
            data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
          });
          return;
        }
        if (delays[index] > 0) await sleep(delays[index]);
        await sse.writeSSE({ event: streamEvent.event, data: JSON.stringify(streamEvent.data) });
        if (isContentDelta(streamEvent)) deltasSent += 1;
      }
    });
  }

  return emulator;
}

function answerError(c: Context, call: AnthropicCallRecord, error: unknown): Response {
  if (!(error instanceof AnthropicHttpError)) throw error;
  call.status = error.status;
  return c.json(error.body(call.requestId), error.status as 400, { 'request-id': call.requestId, ...error.headers });
}
