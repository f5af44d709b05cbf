// The offline inspection stream of a real seed run: every node's actor, the machine's path, and no secret anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInspectionRecorder } from '../../src/inspect/recorder.ts';
import type { ActorRecord, InspectionRecord, MicrostepRecord, SnapshotRecord } from '../../src/inspect/record.ts';
import { seedRunner, type SeedRunner } from './seed-run.ts';

const CANARY = 'canary-4f1d9c2e-do-not-leak';

let seed: SeedRunner;
beforeAll(async () => {
  seed = await seedRunner();
});
afterAll(() => seed?.close());

const ofType = <T extends InspectionRecord>(records: InspectionRecord[], type: T['type']) =>
  records.filter((record): record is T => record.type === type);

describe('the inspection recorder on the seed run', () => {
  it('sees the machine invoke one actor per node, in order, each ending done, with gapless seqs', async () => {
    const recorder = createInspectionRecorder({ runId: 'run-1', secrets: seed.secrets });
    const result = await seed.run({ runId: 'run-1', inspect: recorder.inspect });
    expect(result.status).toBe('COMPLETED');
    const records = recorder.records();
    expect(records.map((record) => record.seq)).toEqual(records.map((_, index) => index + 1));
    expect(new Set(records.map((record) => record.runId))).toEqual(new Set(['run-1']));

    const actors = ofType<ActorRecord>(records, '@xstate.actor');
    const machine = actors.find((actor) => actor.parentId === undefined)!;
    expect(machine.name).toBe('sop-stripe-payment');
    const nodeActors = actors.filter((actor) => actor.parentId === machine.actorId);
    expect(nodeActors.map((actor) => actor.name)).toEqual(seed.workflow.nodes.map((node) => node.id));
    expect(nodeActors.map((actor) => actor.src)).toEqual(seed.workflow.nodes.map((node) => node.type));

    const snapshots = ofType<SnapshotRecord>(records, '@xstate.snapshot');
    for (const actor of nodeActors) {
      expect(
        snapshots.filter((snapshot) => snapshot.actorId === actor.actorId).at(-1)?.snapshot.status,
        actor.name,
      ).toBe('done');
    }
    const machineValues = snapshots
      .filter((snapshot) => snapshot.actorId === machine.actorId)
      .map((snapshot) => snapshot.snapshot.value);
    expect(machineValues).toEqual([...seed.workflow.nodes.map((node) => node.id), 'COMPLETED']);
    const last = snapshots.filter((snapshot) => snapshot.actorId === machine.actorId).at(-1)!;
    expect(last.snapshot.status).toBe('done');
    expect(last.snapshot.context).toMatchObject({ outputs: { check_status: { status: 'succeeded' } } });

    const steps = ofType<MicrostepRecord>(records, '@xstate.microstep');
    expect(
      steps.map((step) => step.transitions.map((t) => `${t.source}->${t.targets.join(',')} [${t.guard}]`)),
    ).toEqual([
      ['create_customer->create_intent [successRoute]'],
      ['create_intent->confirm_payment [successRoute]'],
      ['confirm_payment->check_status [successRoute]'],
      ['check_status->send_receipt [successRoute]'],
      ['send_receipt->run:COMPLETED [successRoute]'],
    ]);

    const doneEvents = records.filter(
      (record) => record.type === '@xstate.event' && record.event.type === 'xstate.done.actor.check_status',
    );
    expect(doneEvents).toEqual([
      expect.objectContaining({
        actorId: machine.actorId,
        sourceId: nodeActors[3].actorId,
        event: expect.objectContaining({
          output: expect.objectContaining({ outputs: expect.objectContaining({ status: 'succeeded' }) }),
        }),
      }),
    ]);
  });

  it('no payload holds a secret: a canary secret in the environment and the service keys are redacted everywhere', async () => {
    const secrets = { ...seed.secrets, CANARY_TOKEN: CANARY };
    const recorder = createInspectionRecorder({ runId: 'run-2', secrets });
    const result = await seed.run({
      runId: 'run-2',
      secrets,
      env: { CANARY_TOKEN: CANARY },
      inspect: recorder.inspect,
    });
    expect(result.status).toBe('COMPLETED');
    const text = JSON.stringify(recorder.records());
    expect(text).not.toContain(CANARY);
    for (const value of Object.values(seed.secrets)) expect(text).not.toContain(value);
    // The canary did reach the machine's context: the recorder masked it rather than never seeing it.
    expect(text).toContain('[secret CANARY_TOKEN]');
    expect(text).not.toMatch(/"\[actor |function/);
  });

  it('a declined card: each confirm_payment actor ends in error with the card_declined message, the machine falls back and ends FAILED', async () => {
    const declined = await seedRunner('examples/stripe-payment.osop.yaml');
    try {
      const recorder = createInspectionRecorder({ runId: 'run-4', secrets: declined.secrets });
      const result = await declined.run({
        runId: 'run-4',
        inputs: { payment_method: 'pm_card_chargeDeclined' },
        inspect: recorder.inspect,
      });
      expect(result.status).toBe('FAILED');
      const records = recorder.records();
      const confirms = ofType<ActorRecord>(records, '@xstate.actor').filter(
        (actor) => actor.name === 'confirm_payment',
      );
      expect(confirms.length).toBeGreaterThan(1);
      const snapshots = ofType<SnapshotRecord>(records, '@xstate.snapshot');
      for (const confirm of confirms) {
        const last = snapshots.filter((snapshot) => snapshot.actorId === confirm.actorId).at(-1)!;
        expect(last.snapshot.status).toBe('error');
        expect(JSON.stringify(last.snapshot.error)).toContain('card_declined');
      }
      const fallbacks = ofType<MicrostepRecord>(records, '@xstate.microstep')
        .flatMap((step) => step.transitions)
        .filter((t) => t.source === 'confirm_payment');
      expect(fallbacks.map((t) => `${t.targets.join(',')} [${t.guard}]`)).toContain('create_intent [failureRoute]');
      const machine = ofType<ActorRecord>(records, '@xstate.actor').find((actor) => actor.parentId === undefined)!;
      expect(snapshots.filter((snapshot) => snapshot.actorId === machine.actorId).at(-1)?.snapshot).toMatchObject({
        status: 'done',
        value: 'FAILED',
      });
    } finally {
      await declined.close();
    }
  });

  it('a listener that throws is reported once and the run still completes', async () => {
    const warnings: string[] = [];
    const recorder = createInspectionRecorder({
      runId: 'run-3',
      onRecord: () => {
        throw new Error('disk full');
      },
      warn: (message) => warnings.push(message),
    });
    const result = await seed.run({ runId: 'run-3', inspect: recorder.inspect });
    expect(result.status).toBe('COMPLETED');
    expect(warnings).toEqual(['inspection recorder for run run-3 failed: disk full']);
  });
});
