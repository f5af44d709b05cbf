// One inspection record: XState's own inspection event for a run, as plain redacted JSON with a gapless seq.
import type { JsonValue } from './json-safe.ts';

interface RecordBase {
  runId: string;
  /** 1, 2, 3... per run, no gaps. */
  seq: number;
  at: string;
  /** XState's session id of the actor the event is about (`x:0` is the run's machine). */
  actorId: string;
}

/** An actor came to life: the run's machine, or the node actor a state invoked. */
export interface ActorRecord extends RecordBase {
  type: '@xstate.actor';
  /** The node id for a node actor, the workflow's machine id for the run. */
  name: string;
  /** The node type (`api`, `agent`...) a node actor runs; absent for the machine. */
  src?: string;
  parentId?: string;
}

/** An event delivered to `actorId`, from `sourceId` when another actor sent it. */
export interface EventRecord extends RecordBase {
  type: '@xstate.event';
  sourceId?: string;
  event: { type: string; [key: string]: JsonValue };
}

export interface InspectedSnapshot {
  status: string;
  /** The machine's state value (node ids); absent for node actors. */
  value?: JsonValue;
  context?: JsonValue;
  output?: JsonValue;
  error?: JsonValue;
}

/** What `actorId` looked like after handling `eventType`. */
export interface SnapshotRecord extends RecordBase {
  type: '@xstate.snapshot';
  eventType: string;
  snapshot: InspectedSnapshot;
}

export interface TransitionTaken {
  source: string;
  targets: string[];
  eventType: string;
  guard?: string;
}

/** One microstep of the machine: the transitions it took for `eventType` and where it landed. */
export interface MicrostepRecord extends RecordBase {
  type: '@xstate.microstep';
  eventType: string;
  value: JsonValue;
  transitions: TransitionTaken[];
}

export type InspectionRecord = ActorRecord | EventRecord | SnapshotRecord | MicrostepRecord;

/** A record before the recorder gives it a run id, seq and time. */
export type InspectionBody = InspectionRecord extends infer R
  ? R extends InspectionRecord
    ? Omit<R, 'runId' | 'seq' | 'at'>
    : never
  : never;
