// The server's inspection stream: every run it starts is recorded (store) and fanned out live (hub).
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { RunHandle, RunOptions } from '../machine/run-options.ts';
import { EventHub, type Subscription } from '../server/event-hub.ts';
import { InspectionStore } from './inspection-store.ts';
import type { InspectionRecord } from './record.ts';
import { createInspectionRecorder } from './recorder.ts';

export type StartRun = (options: RunOptions) => RunHandle;

export interface InspectionLogOptions {
  /** Records a client may have unread before it is dropped (it resumes by Last-Event-ID). */
  bufferSize?: number;
  /** Where recording problems are reported (never with secrets). */
  log?: (message: string) => void;
}

export class InspectionLog {
  readonly store: InspectionStore;
  readonly #hub: EventHub<InspectionRecord>;
  readonly #live = new Set<string>();
  readonly #log: (message: string) => void;
  #closed = false;

  constructor(db: Database, options: InspectionLogOptions = {}) {
    this.store = new InspectionStore(db);
    this.#hub = new EventHub<InspectionRecord>({ bufferSize: options.bufferSize ?? 1024 });
    this.#log = options.log ?? ((message) => process.stderr.write(`${message}\n`));
  }

  /** Wraps a runner so every run it starts (or resumes) feeds this log, on top of any `inspect` it already has. */
  recording(startRun: StartRun): StartRun {
    return (options) => {
      const runId = options.runId ?? randomUUID();
      const recorder = createInspectionRecorder({
        runId,
        secrets: { ...options.masked, ...options.secrets },
        lastSeq: this.store.lastSeq(runId),
        keep: false,
        warn: this.#log,
        onRecord: (record) => {
          if (this.#closed) return;
          this.store.append(record);
          this.#hub.publish(record);
        },
      });
      const inspect = options.inspect;
      this.#live.add(runId);
      try {
        const handle = startRun({ ...options, runId, inspect: inspect ? (event) => (inspect(event), recorder.inspect(event)) : recorder.inspect });
        void handle.done.catch(() => undefined).finally(() => this.#end(runId));
        return handle;
      } catch (failure) {
        this.#end(runId);
        throw failure;
      }
    };
  }

  isLive(runId: string): boolean {
    return this.#live.has(runId);
  }

  subscribe(runId: string): Subscription<InspectionRecord> {
    return this.#hub.subscribe(runId);
  }

  /** Stops recording: a server shutting down cancels its live runs, and that is not part of their story (they resume). */
  close(): void {
    this.#closed = true;
  }

  #end(runId: string): void {
    this.#live.delete(runId);
    this.#hub.end(runId);
  }
}
