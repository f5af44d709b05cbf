// What ties the nodes of a cluster together besides the runs table: one LISTEN connection per node.
// - sopstate_events ('<runId>:<lastSeq>'): events stored by another node are read back and fanned out to this
//   node's SSE subscribers (the replay fills any gap from the events table, so streams stay gapless).
// - sopstate_signals ('<runId>'): a decision or cancel sent to any node is kept in `signals` until the node
//   driving the run delivers it (also after a takeover: the new owner picks up what is still pending). Only the
//   current claim takes one: a node frozen past its heartbeat still holds its runs in memory when it wakes, and the
//   poll stops those it lost (their epoch moved on) before they can swallow a decision.
// If the LISTEN connection drops, it reconnects; a poll meanwhile keeps both going.
import pg from 'pg';
import { isFinalEvent, type RunEvent } from '../../events/run-event.ts';
import type { HumanDecision } from '../../events/human-decision.ts';
import { EVENTS_CHANNEL, type PostgresStore } from '../../store/postgres-store.ts';
import type { EventHub } from '../event-hub.ts';

const SIGNALS_CHANNEL = 'sopstate_signals';
const POLL_MS = 500;
/** A followed run whose starting seq is read from the store first. */
const UNKNOWN = -1;

/** What the link needs from the node's run manager. */
export interface LocalRuns {
  /** Whether this node drives the run. */
  isLive(runId: string): boolean;
  waiting(runId: string): string[];
  liveRunIds(): string[];
  /** Delivers a decision to a live run here; false when its node is not waiting (yet). */
  deliver(runId: string, node: string, decision: HumanDecision): boolean;
  cancelLocal(runId: string): boolean;
  /** The claim epoch a run is driven here under. */
  epochOf(runId: string): number | undefined;
  /** Stops a run here that another node took over, writing nothing more. */
  release(runId: string): boolean;
}

interface SignalRow {
  id: string;
  run_id: string;
  kind: 'signal' | 'cancel';
  node: string | null;
  decision: string | null;
}

export class ClusterLink {
  readonly #url: string;
  readonly #store: PostgresStore;
  readonly #hub: EventHub;
  readonly #log: (line: string) => void;
  #runs: LocalRuns | undefined;
  #client: pg.Client | undefined;
  #poll: NodeJS.Timeout | undefined;
  #closed = false;
  /** Remote runs followed here: the last seq handed to the hub. */
  readonly #relayed = new Map<string, number>();
  readonly #relaying = new Map<string, Promise<void>>();

  constructor(url: string, store: PostgresStore, hub: EventHub, log: (line: string) => void) {
    this.#url = url;
    this.#store = store;
    this.#hub = hub;
    this.#log = log;
  }

  async start(runs: LocalRuns): Promise<void> {
    this.#runs = runs;
    await this.#listen();
    this.#poll = setInterval(() => this.#tick(), POLL_MS);
  }

  /** A run someone subscribed to here but that another node drives: follow it from its stored last seq. */
  follow(runId: string): void {
    if (this.#runs?.isLive(runId) || this.#relayed.has(runId)) return;
    this.#relayed.set(runId, UNKNOWN);
    this.#relay(runId);
  }

  /** Whether events of this remote run are still being relayed here. */
  following(runId: string): boolean {
    return this.#relayed.has(runId);
  }

  /** Keeps a decision or cancel for the run's owner and wakes it. */
  async send(
    runId: string,
    signal: { kind: 'cancel' } | { kind: 'signal'; node: string; decision: HumanDecision },
  ): Promise<void> {
    await this.#store.pool.query(
      `WITH kept AS (
         INSERT INTO signals (run_id, kind, node, decision, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING run_id
       ) SELECT pg_notify('${SIGNALS_CHANNEL}', run_id) FROM kept`,
      [
        runId,
        signal.kind,
        signal.kind === 'signal' ? signal.node : null,
        signal.kind === 'signal' ? JSON.stringify(signal.decision) : null,
        new Date().toISOString(),
      ],
    );
  }

  async holds(runId: string, epoch: number): Promise<boolean> {
    const { rowCount } = await this.#store.pool.query('SELECT 1 FROM runs WHERE id = $1 AND epoch = $2', [
      runId,
      epoch,
    ]);
    return rowCount === 1;
  }

  signal(runId: string, node: string, decision: HumanDecision): Promise<void> {
    return this.send(runId, { kind: 'signal', node, decision });
  }

  cancel(runId: string): Promise<void> {
    return this.send(runId, { kind: 'cancel' });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    await this.#client?.end().catch(() => undefined);
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (message) => this.#notified(message.channel, message.payload ?? ''));
    client.on('error', () => {
      if (this.#closed) return;
      this.#log('cluster: lost the LISTEN connection; reconnecting (polling meanwhile)');
      setTimeout(() => void this.#listen().catch(() => undefined), POLL_MS);
    });
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    await client.query(`LISTEN ${SIGNALS_CHANNEL}`);
    this.#client = client;
  }

  #notified(channel: string, payload: string): void {
    if (channel === SIGNALS_CHANNEL) {
      if (this.#runs?.isLive(payload)) void this.#deliverPending([payload]);
      return;
    }
    const runId = payload.slice(0, payload.lastIndexOf(':'));
    if (this.#relayed.has(runId)) this.#relay(runId);
  }

  #tick(): void {
    for (const runId of this.#relayed.keys()) this.#relay(runId);
    const live = this.#runs?.liveRunIds() ?? [];
    if (live.length > 0) void this.#releaseLost(live).then(() => this.#deliverPending(live));
  }

  /** Stops here the runs whose stored claim moved on to another node. */
  async #releaseLost(runIds: string[]): Promise<void> {
    const runs = this.#runs;
    if (!runs) return;
    const { rows } = await this.#store.pool.query<{ id: string; epoch: number }>(
      'SELECT id, epoch FROM runs WHERE id = ANY($1)',
      [runIds],
    );
    for (const row of rows) {
      const epoch = runs.epochOf(row.id);
      if (epoch !== undefined && row.epoch !== epoch) runs.release(row.id);
    }
  }

  /** Hands the remote run's new events to the hub, one read at a time per run. */
  #relay(runId: string): void {
    if (this.#relaying.has(runId)) return;
    const work = this.#catchUp(runId)
      .catch((error: unknown) => this.#log(`cluster: could not follow run ${runId} (${String(error)})`))
      .finally(() => this.#relaying.delete(runId));
    this.#relaying.set(runId, work);
  }

  async #catchUp(runId: string): Promise<void> {
    for (;;) {
      let after = this.#relayed.get(runId);
      if (after === undefined) return;
      if (after === UNKNOWN) {
        const run = await this.#store.getRun(runId);
        after = run?.status === 'RUNNING' ? run.lastSeq : undefined;
        if (after === undefined) {
          this.#relayed.delete(runId);
          this.#hub.end(runId);
          return;
        }
        this.#relayed.set(runId, after);
      }
      if (this.#hub.subscriberCount(runId) === 0 || this.#runs?.isLive(runId)) {
        this.#relayed.delete(runId);
        return;
      }
      const events: RunEvent[] = await this.#store.eventsAfter(runId, after, 500);
      for (const event of events) this.#hub.publish(event);
      if (events.length > 0) this.#relayed.set(runId, events[events.length - 1].seq);
      if (events.some(isFinalEvent)) {
        this.#relayed.delete(runId);
        this.#hub.end(runId);
        return;
      }
      if (events.length < 500) return;
    }
  }

  async #deliverPending(runIds: string[]): Promise<void> {
    const { rows } = await this.#store.pool.query<SignalRow>(
      'SELECT id, run_id, kind, node, decision FROM signals WHERE run_id = ANY($1) AND delivered_at IS NULL ORDER BY id',
      [runIds],
    );
    for (const row of rows) {
      const runs = this.#runs;
      if (!runs?.isLive(row.run_id)) continue;
      // Not waiting yet (a resumed run re-enters its human node): it stays pending for the next tick.
      if (row.kind === 'signal' && !runs.waiting(row.run_id).includes(row.node ?? '')) continue;
      const epoch = runs.epochOf(row.run_id);
      // Taken before it is delivered, so a notification and a poll never deliver it twice; and only under the
      // run's current claim, so a node that lost the run (frozen, then woken) never takes it.
      const taken = await this.#store.pool.query(
        `UPDATE signals SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL
         AND EXISTS (SELECT 1 FROM runs WHERE runs.id = signals.run_id AND runs.epoch = $3) RETURNING id`,
        [row.id, new Date().toISOString(), epoch],
      );
      if (!taken.rowCount) continue;
      if (row.kind === 'signal') {
        // A decision that finds its node no longer waiting is dropped: it never answers a later visit.
        runs.deliver(row.run_id, row.node ?? '', JSON.parse(row.decision ?? '{}') as HumanDecision);
      } else if (!runs.cancelLocal(row.run_id)) {
        // Released here between the check and the take: the cancel is pending again, for whoever holds the run.
        await this.#store.pool.query('UPDATE signals SET delivered_at = NULL WHERE id = $1', [row.id]);
      }
    }
  }
}
