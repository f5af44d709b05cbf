// One node visit's streamed text (agent.delta): masked as a stream, and coalesced, so a burst of chunks that arrive
// together (one network read can carry dozens) goes out as one event with the joined text. Every event of the run
// after it is cheaper: one seq, one redaction, one stored row and one SSE frame instead of one per chunk.
import { createStreamMasker, type Masking } from '../util/redact.ts';

/**
 * How long text waits for more to join it. A zero timeout fires after everything already received in this turn
 * of the event loop (the rest of a read) was handled; text that comes slower still goes out chunk by chunk.
 */
const COALESCE_MS = 0;

export interface DeltaCoalescer {
  /** A chunk of streamed text, as it came. */
  push(chunk: string): void;
  /** Sends what is waiting now (before another event of the visit, so the order stays). Held-back text stays. */
  send(): void;
  /** The stream ended (or the attempt did): sends everything, held-back text included. */
  end(): void;
}

/** `emit(text)` gets the masked, joined text; it is never called with an empty string. */
export function createDeltaCoalescer(masking: Masking, emit: (text: string) => void): DeltaCoalescer {
  const masker = createStreamMasker(masking);
  let waiting = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const text = waiting;
    waiting = '';
    if (text !== '') emit(text);
  };
  return {
    push(chunk) {
      waiting += masker.push(chunk);
      if (waiting !== '' && timer === undefined) timer = setTimeout(send, COALESCE_MS);
    },
    send,
    end() {
      waiting += masker.flush();
      send();
    },
  };
}
