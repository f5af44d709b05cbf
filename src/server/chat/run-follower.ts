// Streams a run's events into the chat until the run ends or waits for a person, and says how it went.
import type { RunEvent } from '../../events/run-event.ts';
import type { EmitChatEvent } from './chat-event.ts';
import type { RunApi } from './run-api.ts';

export interface FollowOutcome {
  last?: RunEvent;
  /** A sentence for the conversation, e.g. "Run r1 completed." */
  text: string;
}

const describe = (runId: string, last: RunEvent | undefined): string => {
  if (!last) return `Run ${runId} started; its events could not be followed.`;
  switch (last.type) {
    case 'run.completed':
      return `Run ${runId} finished: ${last.status}.`;
    case 'run.failed':
      return `Run ${runId} finished: ${last.status} — ${last.error.message}.`;
    case 'human.waiting':
      return `Run ${runId} is waiting for a person at step ${last.node}${last.prompt ? ` (${last.prompt})` : ''}.`;
    default:
      return `Run ${runId} is still running (last event: ${last.type}).`;
  }
};

export interface FollowOptions {
  signal?: AbortSignal;
  /** After a decision was sent to this step: stay quiet until its `human.waiting` has gone by. */
  resumedNode?: string;
}

export const followRun = async (
  api: RunApi,
  runId: string,
  emit: EmitChatEvent,
  { signal, resumedNode }: FollowOptions = {},
): Promise<FollowOutcome> => {
  let last: RunEvent | undefined;
  let quiet = resumedNode !== undefined;
  try {
    for await (const event of api.events(runId, { signal })) {
      if (quiet) {
        if (event.type === 'human.waiting' && event.node === resumedNode) quiet = false;
        continue;
      }
      last = event;
      emit({ type: 'run.event', event });
      if (event.type === 'human.waiting') break;
    }
  } catch (error) {
    if (!signal?.aborted) emit({ type: 'error', message: `following run ${runId}: ${(error as Error).message}` });
  }
  return { last, text: describe(runId, last) };
};
