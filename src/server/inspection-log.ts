// The server's inspection stream: a run is recorded (store) and fanned out live (hub) while an inspector follows
// it, or every run when asked (`recordAll`, `sopstate serve --inspect-log`): XState's inspection costs a server
// more CPU than the run itself, so an unwatched run has no inspection observer at all. Records are numbered on from the run's last stored one (read asynchronously when
// the first records queue), stored in one batch per turn of the event loop, and handed on only once stored, so a
// replay from the store and the live feed agree.
import type { RunHandle, RunOptions } from '../machine/run-options.ts';
import { EventHub, type Subscription } from './event-hub.ts';
import type { Store } from '../store/store.ts';
import type { InspectionRecord } from '../inspect/record.ts';
import { createInspectionRecorder } from '../inspect/recorder.ts';
import type { Subscription as XStateSubscription } from 'xstate';
import { newRunId } from '../util/run-id.ts';

export type StartRun = (options: RunOptions) => RunHandle;

export type InspectionStorage = Pick<Store, 'appendInspection' | 'inspectionAfter' | 'inspectionLastSeq'>;

export interface InspectionLogOptions {
  /** Records a client may have unread before it is dropped (it resumes by Last-Event-ID). */
  bufferSize?: number;
  /** Where recording problems are reported (never with secrets). */
  log?: (message: string) => void;
  /** Record every run, watched or not (a finished run's log can then be replayed); default: only while watched. */
  recordAll?: boolean;
}

/** Reads of the stored records. */
export interface InspectionReads {
  /** Records with seq > afterSeq, in order; at most `limit`. */
  after(runId: string, afterSeq: number, limit?: number): Promise<InspectionRecord[]>;
  /** seq of the run's last record; 0 when it has none. */
  lastSeq(runId: string): Promise<number>;
}

/** A live run's attachment to its actor's inspection, made while inspectors follow it. */
interface LiveRun {
  follow(): void;
  unfollow(): void;
}

export class InspectionLog {
  readonly store: InspectionReads;
  readonly #storage: InspectionStorage;
  readonly #hub: EventHub<InspectionRecord>;
  readonly #live = new Map<string, LiveRun>();
  readonly #log: (message: string) => void;
  readonly #recordAll: boolean;
  #closed = false;

  constructor(storage: InspectionStorage, options: InspectionLogOptions = {}) {
    this.#storage = storage;
    this.store = {
      after: (runId, afterSeq, limit) => storage.inspectionAfter(runId, afterSeq, limit),
      lastSeq: (runId) => storage.inspectionLastSeq(runId),
    };
    this.#hub = new EventHub<InspectionRecord>({
      bufferSize: options.bufferSize ?? 1024,
      onIdle: (runId) => this.#live.get(runId)?.unfollow(),
    });
    this.#log = options.log ?? ((message) => process.stderr.write(`${message}\n`));
    this.#recordAll = options.recordAll ?? false;
  }

  /** Wraps a runner so every run it starts (or resumes) feeds this log, on top of any `inspect` it already has. */
  recording(startRun: StartRun): StartRun {
    return (options) => {
      const runId = options.runId ?? newRunId();
      // Read once the first record is stored: most runs are never watched and never ask.
      let offset: Promise<number> | undefined;
      const queue: InspectionRecord[] = [];
      let flushing: Promise<void> | undefined;
      const flush = async (): Promise<void> => {
        const base = await (offset ??= this.#storage.inspectionLastSeq(runId));
        while (queue.length > 0 && !this.#closed) {
          const batch = queue.splice(0).map((record) => ({ ...record, seq: record.seq + base }));
          await this.#storage.appendInspection(batch);
          for (const record of batch) this.#hub.publish(record);
        }
      };
      const kick = (): void => {
        if (flushing) return;
        flushing = new Promise<void>((next) => setImmediate(next))
          .then(flush)
          .catch((error: unknown) => this.#log(`run ${runId}: inspection records were not stored (${String(error)})`))
          .finally(() => {
            flushing = undefined;
            if (queue.length > 0 && !this.#closed) kick();
          });
      };
      // Made when an inspector first watches the run.
      let recorder: ReturnType<typeof createInspectionRecorder> | undefined;
      const recorderOf = () =>
        (recorder ??= createInspectionRecorder({
          runId,
          secrets: { ...options.masked, ...options.secrets },
          keep: false,
          warn: this.#log,
          onRecord: (record) => {
            if (this.#closed) return;
            queue.push(record);
            kick();
          },
        }));
      const watched = (): boolean => this.#recordAll || this.#hub.subscriberCount(runId) > 0;
      const record = (event: unknown): void => {
        if (watched()) recorderOf().inspect(event);
      };
      // Watched from the first event (recordAll, or an inspector already waiting): through the runner's `inspect`
      // option, so the root actor's own events are recorded too. Otherwise the log attaches to the running actor
      // only while an inspector follows it: XState builds no inspection event while nothing observes it.
      const fromStart = watched();
      const inspect = options.inspect;
      const live: LiveRun = { follow: () => {}, unfollow: () => {} };
      this.#live.set(runId, live);
      try {
        const handle = startRun({
          ...options,
          runId,
          ...(fromStart ? { inspect: inspect ? (event) => (inspect(event), record(event)) : record } : {}),
        });
        if (!fromStart) {
          let following: XStateSubscription | undefined;
          live.follow = () => void (following ??= handle.inspect(record));
          live.unfollow = () => {
            following?.unsubscribe();
            following = undefined;
          };
          if (watched()) live.follow();
        }
        const done = handle.done.finally(async () => {
          while (flushing) await flushing;
          this.#end(runId);
        });
        return { ...handle, done };
      } catch (failure) {
        this.#end(runId);
        throw failure;
      }
    };
  }

  isLive(runId: string): boolean {
    return this.#live.has(runId);
  }

  /** Follows a run's records; the first follower of a live run makes the log attach to its actor. */
  subscribe(runId: string): Subscription<InspectionRecord> {
    const subscription = this.#hub.subscribe(runId);
    this.#live.get(runId)?.follow();
    return subscription;
  }

  /** Stops recording: a server shutting down cancels its live runs, and that is not part of their story (they resume). */
  close(): void {
    this.#closed = true;
  }

  #end(runId: string): void {
    this.#live.get(runId)?.unfollow();
    this.#live.delete(runId);
    this.#hub.end(runId);
  }
}
