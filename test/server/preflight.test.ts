import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { preflight } from '../../src/server/preflight.ts';

describe('starting a run over HTTP: preflight', () => {
  it('refuses an agent provider with no client, with its node and path', async () => {
    const { workflow } = await loadWorkflowFile('test/fixtures/corpus/osop-spec-examples/agent-collab.osop.yaml');
    const { diagnostics } = preflight(workflow!, {}, { allowCli: true, hasSecret: () => true });
    const refused = diagnostics.filter((diagnostic) => diagnostic.code === 'unsupported-provider');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({
      severity: 'error',
      path: expect.stringMatching(/^nodes\[\d+\]\.runtime\.provider$/),
    });
  });

  it('lets the anthropic seed through', async () => {
    const { workflow } = await loadWorkflowFile('examples/stripe-payment-seed.osop.yaml');
    const { diagnostics } = preflight(workflow!, {}, { allowCli: false, hasSecret: () => true });
    expect(diagnostics).toEqual([]);
  });
});
