// Feeds on XState's `inspect` observer and keeps what a person inspecting a run needs, as InspectionRecords.
import { createRedactor, type Redactor } from '../util/redact.ts';
import { toJsonSafe, type JsonValue } from './json-safe.ts';
import type { EventRecord, InspectedSnapshot, InspectionBody, InspectionRecord, TransitionTaken } from './record.ts';
import { errorMessage } from '../util/error-message.ts';

export interface RecorderOptions {
  runId: string;
  /** The run's secrets: every value is scrubbed from every record. */
  secrets?: Record<string, string>;
  /** seq of the last record already kept for this run (a resumed run continues from it). */
  lastSeq?: number;
  /** Called for every record, in seq order. A throwing listener is reported once, never breaks the run. */
  onRecord?: (record: InspectionRecord) => void;
  /** Keep records in memory for `records()` (default true). */
  keep?: boolean;
  warn?: (message: string) => void;
}

export interface InspectionRecorder {
  /** Pass as `RunOptions.inspect` (or XState's `createActor(..., { inspect })`). */
  inspect: (inspectionEvent: unknown) => void;
  records(): InspectionRecord[];
}

interface ActorLike {
  id?: unknown;
  sessionId?: unknown;
  src?: unknown;
  _parent?: { sessionId?: unknown };
  logic?: { config?: { id?: unknown } };
}

interface RawInspection {
  type?: unknown;
  actorRef?: ActorLike;
  sourceRef?: ActorLike;
  event?: { type?: unknown };
  snapshot?: Record<string, unknown>;
  _transitions?: Array<{
    source?: { id?: unknown };
    target?: Array<{ id?: unknown }>;
    eventType?: unknown;
    guard?: unknown;
  }>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const guardName = (guard: unknown): string | undefined => {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string')
    return (guard as { type: string }).type;
  return typeof guard === 'function' ? guard.name || 'inline' : undefined;
};

function snapshotOf(raw: Record<string, unknown> | undefined, safe: (value: unknown) => JsonValue): InspectedSnapshot {
  const snapshot: InspectedSnapshot = { status: text(raw?.status) ?? 'unknown' };
  for (const key of ['value', 'context', 'output', 'error'] as const) {
    if (raw?.[key] !== undefined) snapshot[key] = safe(raw[key]);
  }
  return snapshot;
}

function toBody(raw: RawInspection, safe: (value: unknown) => JsonValue): InspectionBody | undefined {
  const actor = raw.actorRef;
  const actorId = text(actor?.sessionId);
  if (!actor || !actorId) return undefined;
  const eventType = text(raw.event?.type) ?? '';
  switch (raw.type) {
    case '@xstate.actor': {
      const parentId = text(actor._parent?.sessionId);
      const src = text(actor.src);
      const name = parentId
        ? (text(actor.id) ?? actorId)
        : (text(actor.logic?.config?.id) ?? text(actor.id) ?? actorId);
      return { type: '@xstate.actor', actorId, name, ...(src ? { src } : {}), ...(parentId ? { parentId } : {}) };
    }
    case '@xstate.event': {
      const sourceId = text(raw.sourceRef?.sessionId);
      const event = safe(raw.event) as EventRecord['event'];
      return {
        type: '@xstate.event',
        actorId,
        ...(sourceId ? { sourceId } : {}),
        event: { ...event, type: eventType },
      };
    }
    case '@xstate.snapshot':
      return { type: '@xstate.snapshot', actorId, eventType, snapshot: snapshotOf(raw.snapshot, safe) };
    case '@xstate.microstep': {
      const transitions: TransitionTaken[] = (raw._transitions ?? []).map((transition) => {
        const guard = guardName(transition.guard);
        return {
          source: text(transition.source?.id) ?? '',
          targets: (transition.target ?? []).map((target) => text(target.id) ?? ''),
          eventType: text(transition.eventType) ?? eventType,
          ...(guard ? { guard } : {}),
        };
      });
      return { type: '@xstate.microstep', actorId, eventType, value: safe(raw.snapshot?.value), transitions };
    }
    default:
      return undefined;
  }
}

export function createInspectionRecorder(options: RecorderOptions): InspectionRecorder {
  const redact: Redactor = createRedactor(options.secrets ?? {});
  const safe = (value: unknown) => toJsonSafe(value, { redact });
  const kept: InspectionRecord[] = [];
  const warn = options.warn ?? ((message: string) => process.emitWarning(message));
  let seq = options.lastSeq ?? 0;
  let warned = false;

  const inspect = (inspectionEvent: unknown) => {
    try {
      const body = toBody((inspectionEvent ?? {}) as RawInspection, safe);
      if (!body) return;
      const record = { ...body, runId: options.runId, seq: seq + 1, at: new Date().toISOString() } as InspectionRecord;
      seq = record.seq;
      if (options.keep !== false) kept.push(record);
      options.onRecord?.(record);
    } catch (failure) {
      if (warned) return;
      warned = true;
      warn(`inspection recorder for run ${options.runId} failed: ${redact(errorMessage(failure))}`);
    }
  };

  return { inspect, records: () => [...kept] };
}
