import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { completed, edges, fail, finalEvent, hang, run, scripted, skipped, workflowFrom } from './helpers.ts';

const review = (extra = '') =>
  workflowFrom(`
osop_version: "1.0"
id: review
name: Review
nodes:
  - { id: score, type: agent, name: Score }
  - { id: fast_track, type: agent, name: Fast }
  - { id: deep_review, type: agent, name: Deep }
  - { id: archive, type: agent, name: Archive }
edges:
  - { from: score, to: fast_track, mode: conditional, when: "score.risk < 5" }
  - { from: score, to: deep_review, mode: conditional, when: "score.risk < 8" }
  - { from: score, to: archive, mode: sequential }
${extra}`);

describe('after a node succeeds', () => {
  it('takes the first conditional edge whose condition holds, in file order', async () => {
    const result = await run(review(), { executors: scripted({ score: () => ({ outputs: { risk: 3 } }) }) });
    expect(edges(result.events)).toEqual(['score → fast_track (conditional)']);
    expect(skipped(result.events)).toEqual(['deep_review', 'archive']);
  });

  it('falls back to the sequential edges when no condition holds', async () => {
    const result = await run(review(), { executors: scripted({ score: () => ({ outputs: { risk: 9 } }) }) });
    expect(edges(result.events)).toEqual(['score → archive (sequential)']);
    expect(result.status).toBe('COMPLETED');
  });

  it('records the condition on the edge.taken event', async () => {
    const result = await run(review(), { executors: scripted({ score: () => ({ outputs: { risk: 6 } }) }) });
    const taken = result.events.find((event) => event.type === 'edge.taken');
    expect(taken).toMatchObject({ from: 'score', to: 'deep_review', mode: 'conditional', condition: 'score.risk < 8' });
  });

  it('ends the branch when nothing applies: later nodes are SKIPPED and the run COMPLETED', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: gate
name: Gate
nodes:
  - { id: check, type: api, name: Check }
  - { id: notify, type: agent, name: Notify }
  - { id: close, type: cli, name: Close }
edges:
  - { from: check, to: notify, mode: conditional, when: "check.ok == true" }
  - { from: notify, to: close }
`);
    const result = await run(workflow, { executors: scripted({ check: () => ({ outputs: { ok: false } }) }) });
    expect(result.status).toBe('COMPLETED');
    expect(skipped(result.events)).toEqual(['notify', 'close']);
    const reason = result.events.find((event) => event.type === 'node.skipped' && event.node === 'notify');
    expect(reason).toMatchObject({ reason: expect.stringContaining('check.ok == true') });
  });
});

describe('switch', () => {
  const workflow = workflowFrom(`
osop_version: "1.0"
id: triage
name: Triage
nodes:
  - { id: classify, type: agent, name: Classify }
  - { id: support, type: agent, name: Support }
  - { id: sales, type: agent, name: Sales }
  - { id: human_triage, type: human, name: Triage by hand }
edges:
  - from: classify
    to: human_triage
    mode: switch
    when: classify.category
    cases:
      - { value: support, to: support }
      - { value: sales, to: sales }
    default_to: human_triage
`);

  it('takes the case whose value matches', async () => {
    const result = await run(workflow, {
      executors: scripted({ classify: () => ({ outputs: { category: 'sales' } }) }),
    });
    expect(edges(result.events)).toEqual(['classify → sales (switch)']);
    expect(completed(result.events)).toEqual(['classify', 'sales']);
  });

  it('takes default_to when no case matches', async () => {
    const result = await run(workflow, {
      executors: scripted({ classify: () => ({ outputs: { category: 'legal' } }) }),
    });
    expect(edges(result.events)).toEqual(['classify → human_triage (switch)']);
  });
});

describe('loop', () => {
  it('runs a for_each body once per item with ${loop.<var>} bound, then moves on', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: mailing
name: Mailing
nodes:
  - { id: fetch, type: api, name: Fetch }
  - id: send
    type: api
    name: Send
    runtime: { url: "https://mail.example/send", body: { to: "\${loop.address}" } }
  - { id: report, type: agent, name: Report }
edges:
  - { from: fetch, to: send, mode: loop, for_each: fetch.addresses, iterator_var: address }
  - { from: send, to: report }
  - { from: fetch, to: report }
`);
    const sentTo: unknown[] = [];
    const result = await run(workflow, {
      executors: scripted({
        fetch: () => ({ outputs: { addresses: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'] } }),
        send: ({ runtime, idempotencyKey }) => {
          sentTo.push((runtime.body as { to: string }).to);
          return { outputs: { key: idempotencyKey } };
        },
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(sentTo).toEqual(['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io']);
    expect(edges(result.events)).toEqual(
      [...Array(4)].map(() => 'fetch → send (loop)').concat('send → report (sequential)'),
    );
    const keys = result.events.flatMap((event) =>
      event.type === 'node.completed' && event.node === 'send' ? [event.outputs.key] : [],
    );
    expect(new Set(keys).size).toBe(4);
  });

  it('repeats while the loop condition holds', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: poll
name: Poll
nodes:
  - { id: poll, type: api, name: Poll, max_iterations: 5 }
  - { id: done, type: agent, name: Done }
edges:
  - { from: poll, to: poll, mode: loop, when: "poll.state == 'pending'" }
  - { from: poll, to: done }
`);
    let calls = 0;
    const result = await run(workflow, {
      executors: scripted({ poll: () => ({ outputs: { state: ++calls < 3 ? 'pending' : 'ready' } }) }),
    });
    expect(edges(result.events)).toEqual(['poll → poll (loop)', 'poll → poll (loop)', 'poll → done (sequential)']);
    expect(result.status).toBe('COMPLETED');
  });
});

describe('after a node fails', () => {
  const deploy = workflowFrom(`
osop_version: "1.0"
id: deploy
name: Deploy
nodes:
  - { id: deploy, type: cli, name: Deploy }
  - { id: grow_memory, type: cli, name: Grow memory }
  - { id: rollback, type: cli, name: Rollback }
  - { id: page_oncall, type: human, name: Page }
edges:
  - { from: deploy, to: grow_memory, mode: error, when: "error_of('deploy').contains('OOMKilled')" }
  - { from: deploy, to: page_oncall, mode: timeout }
  - { from: deploy, to: rollback, mode: fallback }
`);

  it('takes an error edge whose condition on error_of() holds', async () => {
    const result = await run(deploy, { executors: scripted({ deploy: () => fail('pod deploy-7 OOMKilled') }) });
    expect(edges(result.events)).toEqual(['deploy → grow_memory (error)']);
    expect(result.status).toBe('COMPLETED');
  });

  it('takes the fallback edge when no error edge matches', async () => {
    const result = await run(deploy, { executors: scripted({ deploy: () => fail('image not found') }) });
    expect(edges(result.events)).toEqual(['deploy → rollback (fallback)']);
    expect(completed(result.events)).toEqual(['rollback']);
  });

  it('takes no failure edge when the node did its work and only keeping its outputs failed (it could act again)', async () => {
    // A confirm that went through at the server, answered with more than a node may keep in the run.
    const result = await run(deploy, {
      executors: scripted({ deploy: () => ({ outputs: { log: 'x'.repeat(1024 * 1024 + 1) } }) }),
    });
    expect(edges(result.events)).toEqual([]);
    expect(completed(result.events)).toEqual([]);
    expect(result.status).toBe('FAILED');
    const failed = result.events.find((event) => event.type === 'node.failed');
    expect(failed).toMatchObject({ node: 'deploy', error: { code: 'outputs_too_large', acted: true } });
    expect(finalEvent(result.events)).toMatchObject({
      error: { message: expect.stringContaining('no failure edge is taken') },
    });
  });

  it('takes the timeout edge when the node exceeded its timeout', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: deploy
name: Deploy
nodes:
  - { id: deploy, type: cli, name: Deploy, timeout_sec: 0.05 }
  - { id: rollback, type: cli, name: Rollback }
  - { id: page_oncall, type: human, name: Page }
edges:
  - { from: deploy, to: page_oncall, mode: timeout }
  - { from: deploy, to: rollback, mode: fallback }
`);
    const result = await run(workflow, { executors: scripted({ deploy: hang }) });
    expect(edges(result.events)).toEqual(['deploy → page_oncall (timeout)']);
    const failed = result.events.find((event) => event.type === 'node.failed');
    expect(failed).toMatchObject({ node: 'deploy', error: { code: 'timeout' } });
  });

  it('fails the run with the node error when no failure edge applies', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: chain
name: Chain
nodes:
  - { id: a, type: cli, name: A }
  - { id: b, type: cli, name: B }
  - { id: c, type: cli, name: C }
edges:
  - { from: a, to: b }
  - { from: b, to: c }
`);
    const result = await run(workflow, { executors: scripted({ b: () => fail('exit 1', { code: 'exit_1' }) }) });
    expect(result.status).toBe('FAILED');
    expect(finalEvent(result.events)).toMatchObject({
      type: 'run.failed',
      status: 'FAILED',
      error: { message: 'exit 1', code: 'exit_1' },
    });
    expect(skipped(result.events)).toEqual(['c']);
  });
});

describe('a sub-workflow whose node did its work and failed after it', () => {
  it('fails its node in the parent with acted, so the parent takes no fallback that would run the child again', async () => {
    const { workflow } = await loadWorkflowFile('test/fixtures/semantics/subworkflow-parent.osop.yaml');
    const executed: string[] = [];
    const result = await run(workflow!, {
      inputs: { who: 'Ada' },
      executors: scripted({
        // The child's `hello` ran, and answered with more than a node may keep in the run.
        hello: (execution) => (executed.push(execution.node.id), { outputs: { stdout: 'x'.repeat(1024 * 1024 + 1) } }),
        child_failed: (execution) => (executed.push(execution.node.id), { outputs: {} }),
      }),
    });
    expect(executed).toEqual(['hello']);
    expect(result.status).toBe('FAILED');
    const failed = result.events.find((event) => event.type === 'node.failed' && event.node === 'greet_all');
    expect(failed).toMatchObject({ error: { code: 'subworkflow_failed', acted: true } });
    expect(edges(result.events)).not.toContain('greet_all → child_failed (fallback)');
  });
});
