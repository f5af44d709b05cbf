import { describe, expect, it } from 'vitest';
import { run, scripted, workflowFrom } from './helpers.ts';

describe('per-run bounds', () => {
  it('fails a node whose outputs would grow the run context past 1 MB, with the reason', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: big
name: Big
nodes:
  - {id: fetch, type: api}
  - {id: after, type: api}
edges:
  - {from: fetch, to: after}
`);
    const result = await run(workflow, {
      executors: scripted({
        fetch: () => ({ outputs: { blob: 'x'.repeat(2 * 1024 * 1024) } }),
        after: () => ({ outputs: {} }),
      }),
    });
    expect(result.status).toBe('FAILED');
    const failed = result.events.find((event) => event.type === 'node.failed');
    expect(failed).toMatchObject({
      node: 'fetch',
      error: {
        code: 'outputs_too_large',
        message: expect.stringMatching(/outputs are \d+ bytes; a node may keep at most 1048576 in the run/),
      },
    });
    expect(result.outputs.fetch).toBeUndefined();
  });

  it('ends a run that emits more events than its limit FAILED with event_limit, and stops there', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: chatty
name: Chatty
nodes:
  - {id: poll, type: api, max_iterations: 500}
  - {id: done, type: api}
edges:
  - {from: poll, to: poll, mode: loop, when: "poll.more == true"}
  - {from: poll, to: done, mode: conditional, when: "poll.more == false"}
`);
    let calls = 0;
    const executors = scripted({
      poll: () => ({ outputs: { more: (calls += 1) < 400 } }),
      done: () => ({ outputs: {} }),
    });
    const result = await run(workflow, { executors, limits: { maxEvents: 50 } });
    expect(result.status).toBe('FAILED');
    const final = result.events.at(-1);
    expect(final).toMatchObject({
      type: 'run.failed',
      error: { code: 'event_limit', message: expect.stringContaining('more than 50 events') },
    });
    expect(calls).toBeLessThan(30);
  });

  it('ends a run whose node outputs together pass its byte limit FAILED with context_limit, naming the node', async () => {
    const workflow = workflowFrom(`
osop_version: "1.0"
id: heavy
name: Heavy
nodes:
  - {id: first, type: api}
  - {id: second, type: api}
  - {id: third, type: api}
edges:
  - {from: first, to: second}
  - {from: second, to: third}
`);
    const blob = () => ({ outputs: { blob: 'x'.repeat(600) } });
    let thirdRan = false;
    const executors = scripted({ first: blob, second: blob, third: () => ((thirdRan = true), { outputs: {} }) });
    const result = await run(workflow, { executors, limits: { maxContextBytes: 1000 } });
    expect(result.status).toBe('FAILED');
    expect(result.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: { code: 'context_limit', message: expect.stringContaining('after second') },
    });
    expect(thirdRan).toBe(false);
  });
});
