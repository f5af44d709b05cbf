// What one run gives its node actors, and how they find it: in the input of the run's root actor, not in a registry.
import { Actor, type ActorSystem, type ActorSystemInfo } from 'xstate';
import type { ExecutorRegistry, NodeExecution, NodeResult, UncertainState } from '../adapters/executor.ts';
import type { EventGate } from '../adapters/event-gate.ts';
import type { HumanGate } from '../adapters/human.ts';
import type { RunEventBody } from '../events/run-event.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { Redactor } from '../util/redact.ts';
import { isRecord } from '../util/is-record.ts';
import type { DurableNodeState, NodeActorInput, NodeActorOutput } from './actor-events.ts';
import type { OutputSecrets } from './output-secrets.ts';

export interface NodeActorDeps {
  workflow: Workflow;
  runId: string;
  secrets: Record<string, string>;
  executors: ExecutorRegistry;
  humanGate: HumanGate;
  /** Where the targets of `event` edges wait for their event. */
  eventGate: EventGate;
  /** Path tests: targets of `event` edges do not wait (as in a dry run); their stubs decide what happens. */
  simulateEvents?: boolean;
  dryRun: boolean;
  redact: Redactor;
  /** Epoch ms: node start and end times, durations. */
  clock: () => number;
  /** Secret fields of outputs (client_secret...): masked in what the run keeps, real in the runtimes that use them. */
  outputSecrets: OutputSecrets;
  /** Adds the event to the run; `redacted` says the body is already scrubbed, so it is not scanned again. */
  publish: (body: RunEventBody, redacted?: boolean) => void;
  /** Node actors running, by actor id, so the runner can report the ones a transition interrupts. */
  inFlight: Map<string, { node: string; visit: number }>;
  /** Visits (`node:visit`) that completed before a resume, with what they produced: not run or reported again. */
  completedBefore: Map<string, NodeActorOutput>;
  /** Visits that had sent a keyed POST before a resume and not ended: their retry schedule starts uncertain. */
  sentBefore: Map<string, UncertainState>;
  /** Resolves once every event published so far is stored (RunOptions.untilStored). */
  untilStored?: () => Promise<void>;
  random?: () => number;
  /** What a previous process kept for this visit of the node (from the restored snapshot), if anything. */
  durableOf: (node: string, visit: number) => DurableNodeState | undefined;
  /** Keeps a node's state in the persisted snapshot. */
  recordDurable: (node: string, state: DurableNodeState) => void;
  /** How long a call whose outcome is unknown is repeated with its key before the run ends "outcome unknown". */
  uncertainWindowMs?: number;
  /** Inside a sub-workflow: `<parent node>:<visit>/`, before the node id in idempotency keys (subworkflow-run.ts). */
  keyScope?: string;
  /** Runs a `workflow` node's sub-workflow (subworkflow-run.ts; passed in, so node actors do not import it). */
  runSubworkflow?: (deps: NodeActorDeps, execution: NodeExecution, input: NodeActorInput) => Promise<NodeResult>;
}

/** The systemId a run's root actor registers under (`createActor(machine, { systemId })`). */
export const RUN_SYSTEM_ID = 'sopstate.run';

/**
 * A run's dependencies as the machine's input carries them (RunInput.services). The fields are private because
 * XState hands that input to every inspector (the `xstate.init` event): secrets, executors and outputs stay out.
 */
export class RunServices {
  readonly #deps: NodeActorDeps;

  constructor(deps: NodeActorDeps) {
    this.#deps = deps;
  }

  get deps(): NodeActorDeps {
    return this.#deps;
  }
}

/** The services in the input of the run whose actor system this is; undefined outside startRun(). */
export function runServicesOf(system: ActorSystem<ActorSystemInfo>): RunServices | undefined {
  const root: unknown = system.get(RUN_SYSTEM_ID);
  const input: unknown = root instanceof Actor ? root.options.input : undefined;
  return isRecord(input) && input.services instanceof RunServices ? input.services : undefined;
}
