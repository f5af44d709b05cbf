// Issue 17, paths: the target of an event edge does not wait in a path test (nobody sends it events); every edge of
// the event fixture is driven.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import { REPO_ROOT } from '../fixtures/corpus-paths.ts';

const load = (name: string) => {
  const file = join(REPO_ROOT, 'test/fixtures/semantics', `${name}.osop.yaml`);
  const loaded = loadWorkflowText(readFileSync(file, 'utf8'), file);
  if (!loaded.workflow) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.workflow;
};

describe('path tests of event edges', () => {
  it('drives every path of event-wait, the timeout edge included, without waiting', async () => {
    const report = await testPaths(load('event-wait'));
    expect(report.passed).toBe(true);
    expect(report.coverage).toMatchObject({ exercised: 3, total: 3, percent: 100 });
  }, 20_000);
});
