// The engine alone: the seed's five calls answered from memory (one real run's answers, recorded), so CPU per run is
// the engine's own, with no HTTP client and no emulator in it. sopstate replays each node's recorded result and the
// events its executor streamed; the hand-written XState machine replays the five recorded call results. Both copy
// what they replay (structuredClone), as a real call would hand over fresh objects. The difference is what sopstate
// adds over XState, without the noise of five HTTP calls per run.
import { createActor, toPromise } from 'xstate';
import type { Executor, ExecutorRegistry, NodeExecution } from '../../src/adapters/executor.ts';
import type { RunEventBody } from '../../src/events/run-event.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import { builtPackage, type BuiltPackage } from '../lib/built-package.ts';
import { percentile } from '../lib/stats.ts';
import { createSeedCalls, type SeedCalls } from './seed-calls.ts';
import { runBatch, type RunOnce } from './throughput.ts';
import { seedMachine } from './xstate-baseline.ts';

const SANDBOX_MODES = { stripe: 'sandbox', anthropic: 'sandbox' } as const;

export interface EngineAloneReport {
  runs: number;
  concurrency: number;
  /** Median over rounds of CPU ms per run. */
  sopstateMs: number;
  xstateMs: number;
  /** sopstateMs − xstateMs. */
  addsMs: number;
}

interface Recorded {
  result: Awaited<ReturnType<Executor>>;
  streamed: RunEventBody[];
}

export interface Recorder {
  /** Wraps an executor: each node's result and the events it streamed are kept, the last visit's per node. */
  record(executor: Executor): Executor;
  /** Hands back a fresh copy of what the node's recorded call returned and streamed, as a real call would. */
  replay: Executor;
}

/**
 * Records calls for replay. A result and what its call streamed are copied together, in one structuredClone: they
 * share objects (an api node's `outputs.data` is its node.response body, parsed once), and the replay hands over the
 * same shape. Copied apart, each replay built every Stripe body twice, which a real call never does.
 */
export function createRecorder(): Recorder {
  const recorded = new Map<string, Recorded>();
  return {
    record: (executor) => async (execution) => {
      const streamed: RunEventBody[] = [];
      const emit = (body: RunEventBody) => (streamed.push(body), execution.emit(body));
      const result = await executor({ ...execution, emit });
      recorded.set(execution.node.id, structuredClone({ result, streamed }));
      return result;
    },
    replay: async (execution: NodeExecution) => {
      const call = recorded.get(execution.node.id);
      if (!call) throw new Error(`no recorded call for node ${execution.node.id}`);
      const { result, streamed } = structuredClone(call);
      for (const body of streamed) execution.emit(body);
      await Promise.resolve();
      return result;
    },
  };
}

/**
 * sopstate (`build`, by default the one the bench measures) over executors that hand back what one real run's
 * executors returned and streamed, node by node.
 */
export async function replayingEngine(
  workflow: Workflow,
  urls: SandboxUrls,
  build: BuiltPackage = builtPackage,
): Promise<RunOnce> {
  const { createServiceExecutors, serviceSecrets, startRun } = build;
  const live = createServiceExecutors({ mode: SANDBOX_MODES, sandbox: urls, env: {} });
  const secrets = serviceSecrets(SANDBOX_MODES, {});
  const recorder = createRecorder();
  const first = await startRun({
    workflow,
    secrets,
    executors: Object.fromEntries(Object.entries(live).map(([type, executor]) => [type, recorder.record(executor)])),
  }).done;
  if (first.status !== 'COMPLETED') throw new Error(`the recorded seed run ended ${first.status}`);
  const executors: ExecutorRegistry = Object.fromEntries(Object.keys(live).map((type) => [type, recorder.replay]));
  return async () => {
    const result = await startRun({ workflow, executors, secrets }).done;
    if (result.status !== 'COMPLETED') throw new Error(`a replayed seed run ended ${result.status}`);
  };
}

/** The hand-written machine over the five call results of one real run, replayed. */
export async function replayingXState(urls: SandboxUrls): Promise<RunOnce> {
  const real = createSeedCalls(urls);
  const customer = await real.createCustomer('record');
  const intent = await real.createIntent('record', customer.customer_id);
  const confirm = await real.confirmPayment('record', intent.intent_id);
  const check = await real.checkStatus(intent.intent_id);
  const receipt = await real.sendReceipt({
    create_customer: customer,
    create_intent: intent,
    confirm_payment: confirm,
    check_status: check,
  });
  const answer = async <T>(value: T): Promise<T> => (await Promise.resolve(), structuredClone(value));
  const canned: SeedCalls = {
    createCustomer: () => answer(customer),
    createIntent: () => answer(intent),
    confirmPayment: () => answer(confirm),
    checkStatus: () => answer(check),
    sendReceipt: () => answer(receipt),
  };
  const machine = seedMachine(canned);
  return async () => {
    const actor = createActor(machine);
    const done = toPromise(actor);
    actor.start();
    await done;
  };
}

export interface RoundOptions {
  runs: number;
  concurrency: number;
  rounds: number;
}

/**
 * CPU ms per run of each side, round by round: one uncounted batch each first, then in every round one batch of each
 * side, so the sides of a round ran on the same machine state (compare-builds.ts pairs them by round). The order
 * reverses every other round, so no side always runs after the same other one: the place in a round can favour a side
 * by ~0.1 ms a run, as much as the differences measured (FINDINGS, "2026-12-08").
 */
export async function cpuPerRunByRound<Name extends string>(
  sides: Record<Name, RunOnce>,
  options: RoundOptions,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(sides) as Name[];
  const cpu = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (const name of names) await runBatch(sides[name], Math.min(500, options.runs), options.concurrency);
  for (let round = 0; round < options.rounds; round += 1) {
    for (const name of roundOrder(names, round)) {
      const batch = await runBatch(sides[name], options.runs, options.concurrency);
      if (batch.failures > 0) throw new Error(`engine alone (${name}): ${batch.firstFailure}`);
      cpu[name].push(batch.cpuMs / options.runs);
    }
  }
  return cpu;
}

/** The sides in their order on even rounds, reversed on odd ones. */
const roundOrder = <Name>(names: readonly Name[], round: number): Name[] =>
  round % 2 === 0 ? [...names] : [...names].reverse();

export async function measureEngineAlone(
  workflow: Workflow,
  urls: SandboxUrls,
  options: RoundOptions,
): Promise<EngineAloneReport> {
  const sides = { sopstate: await replayingEngine(workflow, urls), xstate: await replayingXState(urls) };
  const cpu = await cpuPerRunByRound(sides, options);
  const sopstateMs = percentile(cpu.sopstate, 50);
  const xstateMs = percentile(cpu.xstate, 50);
  return { ...options, sopstateMs, xstateMs, addsMs: sopstateMs - xstateMs };
}
