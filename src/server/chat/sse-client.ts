// Reads a text/event-stream Response body as parsed messages (server API and chat stream alike).
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';

export async function* readSse(response: Response): AsyncGenerator<EventSourceMessage> {
  if (!response.body) return;
  const messages = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  const reader = messages.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** `data:` lines of a stream as JSON values; lines that are not JSON (heartbeats) are skipped. */
export async function* readSseJson<T>(response: Response): AsyncGenerator<{ event?: string; id?: string; data: T }> {
  for await (const message of readSse(response)) {
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
