// Reads a text/event-stream Response body as parsed messages (server API and chat stream alike).
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';

/** `signal` stops reading (and releases the body) even when the server keeps the stream open. */
async function* readSse(response: Response, signal?: AbortSignal): AsyncGenerator<EventSourceMessage> {
  if (!response.body || signal?.aborted) return;
  const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = messages.getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    await reader.cancel().catch(() => undefined);
  }
}

/** `data:` lines of a stream as JSON values; lines that are not JSON (heartbeats) are skipped. */
export async function* readSseJson<T>(
  response: Response,
  signal?: AbortSignal,
): AsyncGenerator<{ event?: string; id?: string; data: T }> {
  for await (const message of readSse(response, signal)) {
    if (!message.data) continue;
    let data: T;
    try {
      data = JSON.parse(message.data) as T;
    } catch {
      continue;
    }
    yield { event: message.event, id: message.id, data };
  }
}
