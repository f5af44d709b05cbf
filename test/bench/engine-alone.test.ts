// The engines-alone section replays recorded calls: what it hands the engine must be shaped like what a real call
// hands it, or the section charges the engine for copies a real run never makes.
import { describe, expect, it } from 'vitest';
import { createApiExecutor } from '../../src/adapters/api/executor.ts';
import type { NodeResult } from '../../src/adapters/executor.ts';
import type { RunEventBody } from '../../src/events/run-event.ts';
import { cpuPerRunByRound, createRecorder } from '../../bench/seed/engine-alone.ts';
import { makeExecution } from '../adapters/support/execution.ts';

const answer = { id: 'cus_1', object: 'customer', address: { city: 'Oslo' } };
const api = createApiExecutor({
  fetch: async () => new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } }),
});
const call = () => makeExecution({ id: 'create_customer', runtime: { method: 'POST', url: 'http://api.test/v1/x' } });

const responseBody = (events: RunEventBody[]) => events.find((event) => event.type === 'node.response')!;
const dataOf = (result: NodeResult) => (result.outputs as { data: unknown }).data;

describe('engine-alone replay', () => {
  it('hands back outputs that share the node.response body, as the api executor it recorded does', async () => {
    const real = call();
    const realResult = await api(real);
    const realResponse = responseBody(real.events);
    expect('body' in realResponse && realResponse.body).toBe(dataOf(realResult));

    const recorder = createRecorder();
    await recorder.record(api)(call());
    const replayed = call();
    const result = await recorder.replay(replayed);
    const response = responseBody(replayed.events);
    expect('body' in response && response.body).toEqual(answer);
    expect('body' in response && response.body).toBe(dataOf(result));
  });

  it('hands each replay fresh objects, not the recorded ones', async () => {
    const recorder = createRecorder();
    const recorded = call();
    const original = await recorder.record(api)(recorded);
    const first = await recorder.replay(call());
    const second = await recorder.replay(call());
    expect(first).toEqual(original);
    expect(dataOf(first)).not.toBe(dataOf(original));
    expect(dataOf(second)).not.toBe(dataOf(first));
  });

  it('says which node it has no recording for', async () => {
    const recorder = createRecorder();
    await expect(recorder.replay(call())).rejects.toThrow('no recorded call for node create_customer');
  });
});

describe('engine-alone rounds', () => {
  it('run each side once a round, in an order that reverses every other round', async () => {
    const calls: string[] = [];
    const side = (name: string) => async () => void calls.push(name);
    const cpu = await cpuPerRunByRound(
      { a: side('a'), b: side('b'), c: side('c') },
      { rounds: 4, runs: 2, concurrency: 1 },
    );
    // One warm-up batch each, then the rounds; a batch is `runs` runs of one side.
    const batches = calls.filter((_, index) => index % 2 === 0);
    expect(batches).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'c', 'b', 'a', 'a', 'b', 'c', 'c', 'b', 'a']);
    expect(Object.values(cpu).map((perRun) => perRun.length)).toEqual([4, 4, 4]);
  });
});
