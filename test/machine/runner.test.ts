import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { NodeExecution } from '../../src/adapters/executor.ts';
import { startRun, RunSetupError } from '../../src/machine/runner.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { schemaValidator } from '../../src/osop/schema-verdict.ts';
import {
  completed,
  edges,
  expectGapless,
  fail,
  hang,
  run,
  runOnFakeClock,
  scripted,
  scriptedAwaitingHumans,
  skipped,
  started,
  workflowFrom,
} from './helpers.ts';
import { osoplogWriter } from '../../src/store/osoplog-files.ts';

describe('cycles', () => {
  it('fails the run with "cycle limit reached at X" when a node is entered more than max_iterations times', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: retry-loop
name: Retry loop
nodes:
  - { id: draft, type: agent, name: Draft, max_iterations: 2 }
  - { id: lint, type: cli, name: Lint }
edges:
  - { from: draft, to: lint }
  - { from: lint, to: draft, mode: fallback }
`);
    const result = await run(workflow, {
      executors: scripted({ lint: () => fail('3 lint errors', { code: 'exit_1' }) }),
    });
    expect(result.status).toBe('FAILED');
    expect(started(result.events).filter((node) => node === 'draft')).toHaveLength(2);
    const final = result.events.at(-1);
    expect(final).toMatchObject({ type: 'run.failed', error: { code: 'cycle_limit' } });
    expect(final?.type === 'run.failed' && final.error.message).toContain('cycle limit reached at draft');
  });
});

describe('workflow timeout', () => {
  it('ends the run TIMEOUT when timeout_sec passes, stopping the running node', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: slow
name: Slow
timeout_sec: 30
nodes:
  - { id: wait_for_build, type: cicd, name: Build }
  - { id: ship, type: cli, name: Ship }
edges:
  - { from: wait_for_build, to: ship }
`);
    const result = await runOnFakeClock(30_000, workflow, { executors: scripted({ wait_for_build: hang }) });
    expect(result.status).toBe('TIMEOUT');
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', status: 'TIMEOUT', error: { code: 'timeout' } });
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'wait_for_build',
      error: { code: 'timeout' },
    });
    expect(skipped(result.events)).toEqual(['ship']);
  });
});

describe('retries in a run', () => {
  it('retries an api node twice by default on a server error, announcing each wait', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: flaky
name: Flaky
nodes:
  - { id: charge, type: api, name: Charge }
`);
    let calls = 0;
    const result = await runOnFakeClock(60_000, workflow, {
      random: () => 0,
      executors: scripted({
        charge: () =>
          ++calls < 3
            ? fail('api_error', { code: 'http_503', status: 503, retryable: true })
            : { outputs: { id: 'ch_1' } },
      }),
    });
    const waits = result.events.flatMap((event) => (event.type === 'node.retrying' ? [event.delayMs] : []));
    expect(waits).toEqual([250, 500]);
    expect(result.status).toBe('COMPLETED');
  });
});

describe('human nodes', () => {
  const workflow = workflowFrom(`
osop_version: "1.0"
id: approval
name: Approval
nodes:
  - { id: review, type: human, name: Review the plan }
  - { id: execute, type: cli, name: Execute }
  - { id: replan, type: agent, name: Replan }
edges:
  - { from: review, to: execute, mode: conditional, when: "approved == true" }
  - { from: review, to: replan, mode: fallback }
`);
  const executors = scriptedAwaitingHumans();

  it('waits for a signal, announces it, and continues when approved', async () => {
    const handle = startRun({
      workflow,
      executors,
      onEvent: (event) =>
        event.type === 'human.waiting' &&
        queueMicrotask(() => handle.signal('review', { decision: 'approved', comment: 'ship it' })),
    });
    const result = await handle.done;
    expect(result.events.find((event) => event.type === 'human.waiting')).toMatchObject({ node: 'review' });
    expect(result.outputs.review).toMatchObject({ decision: 'approved', approved: true, comment: 'ship it' });
    expect(edges(result.events)).toEqual(['review → execute (conditional)']);
  });

  it('treats a rejection as a failure a fallback edge catches', async () => {
    const handle = startRun({ workflow, executors });
    await vi.waitFor(() => expect(handle.waiting()).toEqual(['review']));
    expect(handle.signal('execute', { decision: 'approved' })).toBe(false);
    expect(handle.signal('review', { decision: 'rejected', comment: 'too risky' })).toBe(true);
    const result = await handle.done;
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'review',
      error: { code: 'rejected', message: 'review was rejected: too risky' },
    });
    expect(edges(result.events)).toEqual(['review → replan (fallback)']);
  });
});

describe('before the first node runs', () => {
  const workflow = workflowFrom(`
osop_version: "1.0"
id: pay
name: Pay
inputs:
  - { name: amount, type: number, required: true }
nodes:
  - id: charge
    type: api
    name: Charge
    runtime: { url: "https://api.example", headers: { Authorization: "Bearer \${secrets.API_KEY}" }, body: { amount: "\${inputs.amount}" } }
`);

  it('refuses to start without a required input or secret, naming each', () => {
    const emitted: RunEvent[] = [];
    const attempt = () => startRun({ workflow, executors: scripted(), onEvent: (event) => emitted.push(event) });
    expect(attempt).toThrow(RunSetupError);
    expect(attempt).toThrow(/missing required input amount.*--input amount=/);
    expect(attempt).toThrow(/missing secret API_KEY.*--secret API_KEY=/);
    expect(emitted).toEqual([]);
  });

  it('passes resolved values, secrets included, to the executor, with an idempotency key per visit', async () => {
    let seen: NodeExecution | undefined;
    const result = await run(workflow, {
      runId: 'run-42',
      inputs: { amount: 2000 },
      secrets: { API_KEY: 'sk_live_canary_123' },
      executors: scripted({
        charge: (execution) => ((seen = execution), { outputs: { echoed: 'key sk_live_canary_123' } }),
      }),
    });
    expect(seen?.runtime).toEqual({
      url: 'https://api.example',
      headers: { Authorization: 'Bearer sk_live_canary_123' },
      body: { amount: 2000 },
    });
    expect(seen?.idempotencyKey).toBe('run-42:charge:1');
    expect(JSON.stringify(result.events)).not.toContain('sk_live_canary_123');
    expect(result.events.find((event) => event.type === 'node.completed')).toMatchObject({
      outputs: { echoed: 'key [secret API_KEY]' },
    });
  });

  it('masks the secret in what an executor streams and in its error, in the events and in the run error', async () => {
    const result = await run(workflow, {
      inputs: { amount: 2000 },
      secrets: { API_KEY: 'sk_live_canary_123' },
      executors: scripted({
        charge: (execution) => {
          execution.emit({ type: 'agent.delta', node: 'charge', text: 'sending sk_live_canary_123' });
          return fail('401: bad key sk_live_canary_123', { code: 'auth' });
        },
      }),
    });
    expect(JSON.stringify(result.events)).not.toContain('sk_live_canary_123');
    expect(result.events.find((event) => event.type === 'agent.delta')).toMatchObject({
      text: 'sending [secret API_KEY]',
    });
    expect(result.events.find((event) => event.type === 'node.failed')).toMatchObject({
      error: { message: '401: bad key [secret API_KEY]' },
    });
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: { message: '401: bad key [secret API_KEY]', node: 'charge' },
    });
  });
});

describe('events, snapshots and resume', () => {
  const chain = workflowFrom(`
osop_version: "1.0"
id: chain
name: Chain
nodes:
  - { id: a, type: agent, name: A }
  - { id: b, type: human, name: B }
  - { id: c, type: agent, name: C }
edges:
  - { from: a, to: b }
  - { from: b, to: c }
`);

  it('resumes from a persisted snapshot with seq continuing after the last stored event', async () => {
    const executors = scriptedAwaitingHumans();
    const snapshots: unknown[] = [];
    const first = startRun({
      workflow: chain,
      runId: 'r1',
      executors,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    await vi.waitFor(() => expect(first.waiting()).toEqual(['b']));
    first.cancel();
    const stopped = await first.done;
    const persisted = JSON.parse(JSON.stringify(snapshots.at(-2)));
    const lastSeq = stopped.events.findLast((event) => event.type === 'node.started')!.seq;

    const resumed = startRun({ workflow: chain, runId: 'r1', executors, snapshot: persisted, lastSeq });
    await vi.waitFor(() => expect(resumed.waiting()).toEqual(['b']));
    resumed.signal('b', { decision: 'approved' });
    const result = await resumed.done;
    expect(result.status).toBe('COMPLETED');
    expect(result.events[0].seq).toBe(lastSeq + 1);
    expectGapless(result.events, lastSeq + 1);
    expect(completed(result.events)).toEqual(['b', 'c']);
    expect(result.outputs.a).toEqual({});
  });

  it('passes the inspect observer to XState', async () => {
    const inspected: unknown[] = [];
    await run(chain, { inspect: (event) => inspected.push(event), executors: scripted() });
    expect(inspected.some((event) => (event as { type: string }).type === '@xstate.snapshot')).toBe(true);
  });
});

describe('the .osoplog', () => {
  it('is written per run, validates against the OSOP schema, and carries ai_metadata', async () => {
    const validate = schemaValidator('osoplog');
    const logDir = await mkdtemp(join(tmpdir(), 'osoplog-'));
    const workflow = workflowFrom(`
osop_version: "1.0"
id: summary
name: Summary
nodes:
  - { id: fetch, type: api, name: Fetch }
  - { id: summarize, type: agent, name: Summarize }
  - { id: publish, type: cli, name: Publish }
edges:
  - { from: fetch, to: summarize }
  - { from: summarize, to: publish, mode: conditional, when: "summarize.ok == true" }
`);
    const ai = { model: 'claude-sonnet-4-6', provider: 'anthropic', prompt_tokens: 120, completion_tokens: 40 };
    const result = await run(workflow, {
      writeRecord: osoplogWriter(logDir),
      executors: scripted({ summarize: () => ({ outputs: { ok: false }, ai }) }),
    });
    expect(result.osoplogPath).toBe(join(logDir, (await readdir(logDir))[0]));
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', osoplog: result.osoplogPath });
    const record = parse(await readFile(result.osoplogPath!, 'utf8'));
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    expect(record.status).toBe('COMPLETED');
    expect(
      record.node_records.map((node: { node_id: string; status: string }) => `${node.node_id}:${node.status}`),
    ).toEqual(['fetch:COMPLETED', 'summarize:COMPLETED', 'publish:SKIPPED']);
    expect(record.node_records[1].ai_metadata).toEqual(ai);
  });
});

describe('a .osoplog that cannot be written', () => {
  const single = workflowFrom(
    `osop_version: "1.0"\nid: one\nname: One\nnodes:\n  - { id: only, type: api, name: Only }\n`,
  );

  it('still completes the run and says why in one plain warning, not a Node process warning', async () => {
    const warnings: string[] = [];
    const emitted = vi.spyOn(process, 'emitWarning');
    const result = await run(single, {
      writeRecord: osoplogWriter('/dev/null/not-a-folder'),
      onWarning: (message) => warnings.push(message),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.osoplogPath).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('could not write the .osoplog to /dev/null/not-a-folder')]);
    expect(emitted).not.toHaveBeenCalled();
    emitted.mockRestore();
  });
});
