import { describe, expect, it } from 'vitest';

describe('the package entry points a user imports', () => {
  it('exposes the vitest helper as sopstate/vitest and the engine as sopstate', async () => {
    const helper = await import('sopstate/vitest');
    const engine = await import('sopstate');
    expect(typeof helper.testWorkflowPaths).toBe('function');
    expect(typeof engine.startRun).toBe('function');
    expect(typeof engine.loadWorkflowFile).toBe('function');
  });
});
