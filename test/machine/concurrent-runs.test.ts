import { describe, expect, it, vi } from 'vitest';
import type { NodeExecution } from '../../src/adapters/executor.ts';
import { startRun } from '../../src/machine/runner.ts';
import { completed, expectGapless, scriptedAwaitingHumans, workflowFrom } from './helpers.ts';

// One Workflow object, several runs at once: each must use only its own executors, secrets and human gate.
const workflow = workflowFrom(`
osop_version: "1.0"
id: pay
name: Pay
nodes:
  - id: charge
    type: api
    name: Charge
    runtime: { url: "https://api.example", headers: { Authorization: "Bearer \${secrets.API_KEY}" } }
  - { id: review, type: human, name: Review }
  - { id: notify, type: agent, name: Notify }
edges:
  - { from: charge, to: review }
  - { from: review, to: notify }
`);

function startPaying(runId: string, key: string, seen: NodeExecution[]) {
  const executors = scriptedAwaitingHumans({
    charge: (execution) => (seen.push(execution), { outputs: { by: runId, echoed: `used ${key}` } }),
    notify: (execution) => (seen.push(execution), { outputs: { charged_by: execution.context.outputs.charge?.by } }),
  });
  return startRun({ workflow, runId, executors, secrets: { API_KEY: key } });
}

describe('concurrent runs of one workflow', () => {
  it('keep their executors, secrets, human gates and events apart', async () => {
    const seenA: NodeExecution[] = [];
    const seenB: NodeExecution[] = [];
    const a = startPaying('run-a', 'sk_test_aaaa1111', seenA);
    const b = startPaying('run-b', 'sk_test_bbbb2222', seenB);
    await vi.waitFor(() => expect([a.waiting(), b.waiting()]).toEqual([['review'], ['review']]));

    expect(b.signal('review', { decision: 'rejected', comment: 'no' })).toBe(true);
    const resultB = await b.done;
    expect(a.waiting()).toEqual(['review']);
    expect(a.signal('review', { decision: 'approved' })).toBe(true);
    const resultA = await a.done;

    expect(resultA.status).toBe('COMPLETED');
    expect(resultB.status).toBe('FAILED');
    expect(seenA.map((execution) => [execution.runId, execution.node.id])).toEqual([
      ['run-a', 'charge'],
      ['run-a', 'notify'],
    ]);
    expect(seenB.map((execution) => [execution.runId, execution.node.id])).toEqual([['run-b', 'charge']]);
    expect(seenA[0].runtime).toMatchObject({ headers: { Authorization: 'Bearer sk_test_aaaa1111' } });
    expect(seenB[0].runtime).toMatchObject({ headers: { Authorization: 'Bearer sk_test_bbbb2222' } });
    expect(resultA.outputs.notify).toEqual({ charged_by: 'run-a' });

    for (const result of [resultA, resultB]) {
      expectGapless(result.events);
      expect(result.events.every((event) => event.runId === result.runId)).toBe(true);
      const text = JSON.stringify(result.events);
      expect(text).not.toContain('sk_test_aaaa1111');
      expect(text).not.toContain('sk_test_bbbb2222');
    }
    expect(resultA.events.find((event) => event.type === 'node.completed')).toMatchObject({
      outputs: { by: 'run-a', echoed: 'used [secret API_KEY]' },
    });
    expect(completed(resultB.events)).toEqual(['charge']);
  });

  it('run again after an earlier run of the same workflow ended', async () => {
    const seen: NodeExecution[] = [];
    const first = startPaying('run-1', 'sk_test_first111', seen);
    await vi.waitFor(() => expect(first.waiting()).toEqual(['review']));
    first.cancel();
    expect((await first.done).status).toBe('CANCELLED');

    const second = startPaying('run-2', 'sk_test_second22', seen);
    await vi.waitFor(() => expect(second.waiting()).toEqual(['review']));
    second.signal('review', { decision: 'approved' });
    expect((await second.done).status).toBe('COMPLETED');
    expect(seen.map((execution) => `${execution.runId}:${execution.node.id}`)).toEqual([
      'run-1:charge',
      'run-2:charge',
      'run-2:notify',
    ]);
  });
});
