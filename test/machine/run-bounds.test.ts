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
    const result = await run(workflow, { executors: scripted({ fetch: () => ({ outputs: { blob: 'x'.repeat(2 * 1024 * 1024) } }), after: () => ({ outputs: {} }) }) });
    expect(result.status).toBe('FAILED');
    const failed = result.events.find((event) => event.type === 'node.failed');
    expect(failed).toMatchObject({ node: 'fetch', error: { code: 'outputs_too_large', message: expect.stringMatching(/outputs are \d+ bytes; a node may keep at most 1048576 in the run/) } });
    expect(result.outputs.fetch).toBeUndefined();
  });
});
