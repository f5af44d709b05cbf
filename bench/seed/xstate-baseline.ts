// The seed payment SOP as a hand-written XState machine: the five calls of seed-calls.ts, each an invoked promise
// actor, with the results in the context and the `succeeded` check as a guard. It is the floor for the engine: what
// XState costs on top of the plain calls, with none of what sopstate adds (events, redaction, CEL, templates, routing).
import { randomUUID } from 'node:crypto';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';
import { createSeedCalls, type SeedCallOptions, type SeedCalls } from './seed-calls.ts';

type Result<K extends keyof SeedCalls> = Awaited<ReturnType<SeedCalls[K]>>;

interface SeedContext {
  runId: string;
  customer?: Result<'createCustomer'>;
  intent?: Result<'createIntent'>;
  confirm?: Result<'confirmPayment'>;
  check?: Result<'checkStatus'>;
  /** Kept as sopstate keeps every node's output. */
  receipt?: Result<'sendReceipt'>;
}

/** The machine over any implementation of the five calls (the real ones, or canned answers for the engine alone). */
export const seedMachine = (calls: SeedCalls) =>
  setup({
    types: { context: {} as SeedContext },
    actors: {
      createCustomer: fromPromise(({ input }: { input: { runId: string } }) => calls.createCustomer(input.runId)),
      createIntent: fromPromise(({ input }: { input: { runId: string; customerId: string } }) =>
        calls.createIntent(input.runId, input.customerId),
      ),
      confirmPayment: fromPromise(({ input }: { input: { runId: string; intentId: string } }) =>
        calls.confirmPayment(input.runId, input.intentId),
      ),
      checkStatus: fromPromise(({ input }: { input: { intentId: string } }) => calls.checkStatus(input.intentId)),
      sendReceipt: fromPromise(({ input }: { input: Record<string, unknown> }) => calls.sendReceipt(input)),
    },
    guards: { succeeded: ({ context }) => context.check?.status === 'succeeded' },
  }).createMachine({
    id: 'seed',
    context: () => ({ runId: randomUUID() }),
    initial: 'createCustomer',
    states: {
      createCustomer: {
        invoke: {
          src: 'createCustomer',
          input: ({ context }) => ({ runId: context.runId }),
          onDone: { target: 'createIntent', actions: assign({ customer: ({ event }) => event.output }) },
        },
      },
      createIntent: {
        invoke: {
          src: 'createIntent',
          input: ({ context }) => ({ runId: context.runId, customerId: context.customer!.customer_id }),
          onDone: { target: 'confirmPayment', actions: assign({ intent: ({ event }) => event.output }) },
        },
      },
      confirmPayment: {
        invoke: {
          src: 'confirmPayment',
          input: ({ context }) => ({ runId: context.runId, intentId: context.intent!.intent_id }),
          onDone: { target: 'checkStatus', actions: assign({ confirm: ({ event }) => event.output }) },
        },
      },
      checkStatus: {
        invoke: {
          src: 'checkStatus',
          input: ({ context }) => ({ intentId: context.intent!.intent_id }),
          onDone: { target: 'decide', actions: assign({ check: ({ event }) => event.output }) },
        },
      },
      decide: { always: [{ guard: 'succeeded', target: 'sendReceipt' }, { target: 'done' }] },
      sendReceipt: {
        invoke: {
          src: 'sendReceipt',
          input: ({ context }) => ({
            create_customer: context.customer,
            create_intent: context.intent,
            confirm_payment: context.confirm,
            check_status: context.check,
          }),
          onDone: { target: 'done', actions: assign({ receipt: ({ event }) => event.output }) },
        },
      },
      done: { type: 'final' },
    },
  });

/** One run per call, through a new actor of the same machine; rejects when a call fails (the actor errors). */
export function createXStateBaseline(urls: SandboxUrls, options: SeedCallOptions = {}): () => Promise<void> {
  const machine = seedMachine(createSeedCalls(urls, options));
  return async () => {
    const actor = createActor(machine);
    const done = toPromise(actor);
    actor.start();
    await done;
  };
}
