// Keeps finished runs' .osoplogs: built from the stored events, put in the store, written as files; off the runs' path.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Workflow } from '../osop/workflow.ts';
import type { Store } from '../store/store.ts';
import { errorMessage } from '../util/error-message.ts';
import { runOsoplogYaml } from './run-osoplog.ts';

/**
 * At most this many .osoplogs are built in one turn of the event loop (each ~0.5 ms: the run, its events, the YAML,
 * the insert), so a burst of finished runs does not hold the loop for long.
 */
const BATCH = 32;
/** Files written at once; past it, keeping waits for one to finish (a stuck disk holds at most this many texts). */
const FILES_IN_FLIGHT = 16;

export interface OsoplogKeeperOptions {
  store: Pick<Store, 'getRun' | 'eventsAfter' | 'putOsoplog'>;
  /** Writes a run's .osoplog text as a file too; none = only in the store. */
  write?: (runId: string, yaml: string) => Promise<unknown>;
  log: (message: string) => void;
}

/**
 * Runs whose .osoplog is still to keep wait in a queue, kept in batches behind the runs' own work. One at a time, a
 * keep took four or five turns of the loop (its file's open, write and close each wait for one), and under load a
 * turn is tens of milliseconds: 179 of 3,000 runs finished at 100 clients had their .osoplog, and the rest queued
 * for as long as the load lasted.
 */
export class OsoplogKeeper {
  readonly #options: OsoplogKeeperOptions;
  /** Run id → its workflow, in the order the runs ended. */
  readonly #queued = new Map<string, Workflow>();
  readonly #files = new Set<Promise<void>>();
  #draining: Promise<void> | undefined;

  constructor(options: OsoplogKeeperOptions) {
    this.#options = options;
  }

  /** Queues a finished run's .osoplog. */
  keep(runId: string, workflow: Workflow): void {
    this.#queued.set(runId, workflow);
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
  }

  /** Resolves once every .osoplog queued so far is in the store and its file written (or failed, logged). */
  async kept(): Promise<void> {
    while (this.#draining || this.#files.size > 0) {
      await this.#draining;
      await Promise.all(this.#files);
    }
  }

  async #drain(): Promise<void> {
    while (this.#queued.size > 0) {
      // What the runs' callbacks queued in this turn goes first.
      await nextTurn();
      const batch: Array<[string, Workflow]> = [];
      for (const entry of this.#queued) {
        batch.push(entry);
        this.#queued.delete(entry[0]);
        if (batch.length === BATCH) break;
      }
      const texts = await Promise.all(batch.map(([runId, workflow]) => this.#store(runId, workflow)));
      for (const [index, yaml] of texts.entries()) if (yaml !== undefined) await this.#writeFile(batch[index][0], yaml);
    }
  }

  /** The run's .osoplog put in the store; its text, or undefined when it has none (still running, gone, failed). */
  async #store(runId: string, workflow: Workflow): Promise<string | undefined> {
    try {
      const stored = await this.#options.store.getRun(runId);
      if (!stored || stored.status === 'RUNNING') return undefined;
      const { snapshot: _snapshot, ...record } = stored;
      const events = await this.#options.store.eventsAfter(runId, 0, Number.MAX_SAFE_INTEGER);
      const yaml = runOsoplogYaml(record, workflow, events);
      if (yaml !== undefined) await this.#options.store.putOsoplog(runId, yaml);
      return yaml;
    } catch (error) {
      this.#failed(runId, error);
      return undefined;
    }
  }

  /** Starts the file's write; waits only while FILES_IN_FLIGHT others are being written. */
  async #writeFile(runId: string, yaml: string): Promise<void> {
    const { write } = this.#options;
    if (!write) return;
    while (this.#files.size >= FILES_IN_FLIGHT) await Promise.race(this.#files);
    const written: Promise<void> = write(runId, yaml).then(
      () => void this.#files.delete(written),
      (error: unknown) => {
        this.#files.delete(written);
        this.#failed(runId, error);
      },
    );
    this.#files.add(written);
  }

  #failed(runId: string, error: unknown): void {
    this.#options.log(`run ${runId}: could not keep its .osoplog (${errorMessage(error)})`);
  }
}
