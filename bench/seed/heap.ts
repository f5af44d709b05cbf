// Heap per in-flight run: park N runs at their Claude call, collect garbage, divide the growth by N.
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { settledHeap } from '../lib/gc.ts';
import { percentile } from '../lib/stats.ts';
import { createBaseline } from './baseline.ts';
import { createEngine } from './engine.ts';

const isStaleSocket = (error: unknown): boolean =>
  error instanceof TypeError && (error.cause as { code?: string } | undefined)?.code === 'UND_ERR_SOCKET';

/**
 * Collections here pause the loop for long enough that the sandbox may close an idle keep-alive
 * socket the client is about to reuse; this measurement is not timed, so such a request is sent again.
 */
async function fetchRetryingStaleSocket(input: Request | string | URL, init?: RequestInit): Promise<Response> {
  const spare = input instanceof Request ? input.clone() : input;
  try {
    return await fetch(input, init);
  } catch (error) {
    if (!isStaleSocket(error)) throw error;
    return fetch(spare, init);
  }
}

/** A fetch that holds every Claude request while closed: runs wait there with four nodes' state in hand. */
class ClaudeGate {
  #closed = false;
  #parked: Array<() => void> = [];
  #onPark: (() => void) | undefined;

  readonly fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (this.#closed && url.endsWith('/v1/messages')) {
      await new Promise<void>((resolve) => {
        this.#parked.push(resolve);
        this.#onPark?.();
      });
    }
    return fetchRetryingStaleSocket(input, init);
  };

  close(): void {
    this.#closed = true;
  }

  parked(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.#onPark = () => this.#parked.length >= count && resolve();
      this.#onPark();
    });
  }

  open(): void {
    this.#closed = false;
    for (const release of this.#parked.splice(0)) release();
  }
}

async function parkedRound(run: () => Promise<void>, gate: ClaudeGate, inFlight: number): Promise<number> {
  const before = await settledHeap();
  gate.close();
  const runs = Array.from({ length: inFlight }, () => run());
  await gate.parked(inFlight);
  const during = await settledHeap();
  gate.open();
  await Promise.all(runs);
  return (during - before) / inFlight / 1024;
}

/**
 * The median of `rounds` parked rounds. Two first rounds are not counted: they let the JIT compile and optimize the
 * hot paths and the connection pools grow to this concurrency, which would otherwise show up as heap per run.
 */
async function heapPerRun(
  run: () => Promise<void>,
  gate: ClaudeGate,
  inFlight: number,
  rounds: number,
): Promise<number> {
  for (let warm = 0; warm < 2; warm += 1) await parkedRound(run, gate, inFlight);
  const measured: number[] = [];
  for (let round = 0; round < rounds; round += 1) measured.push(await parkedRound(run, gate, inFlight));
  return percentile(measured, 50);
}

export interface HeapResult {
  inFlight: number;
  /** Measured rounds (median reported), after two uncounted ones. */
  rounds: number;
  /** KB per parked run, sopstate. */
  sopstateKb: number;
  /** The same for the hand-written baseline, for scale. */
  baselineKb: number;
}

export async function measureHeap(
  workflow: Workflow,
  urls: SandboxUrls,
  inFlight: number,
  rounds = 1,
): Promise<HeapResult> {
  const engineGate = new ClaudeGate();
  const sopstateKb = await heapPerRun(
    createEngine(workflow, urls, { fetch: engineGate.fetch }),
    engineGate,
    inFlight,
    rounds,
  );
  const baselineGate = new ClaudeGate();
  const baselineKb = await heapPerRun(
    createBaseline(urls, { fetch: baselineGate.fetch }),
    baselineGate,
    inFlight,
    rounds,
  );
  return { inFlight, rounds, sopstateKb, baselineKb };
}
