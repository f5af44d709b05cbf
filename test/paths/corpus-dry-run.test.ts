// Every valid workflow of the corpus: `sopstate run --dry-run` follows its happy path past every condition (none is
// skipped as "cannot evaluate"), and `sopstate test` covers every edge or says why it cannot drive it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWorkflowCommand, type RunFlags } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { formatReport } from '../../src/paths/format-report.ts';
import { deriveOutcomes } from '../../src/paths/outcomes.ts';
import { testPaths } from '../../src/paths/test-paths.ts';
import { CORPUS_DIR, validCorpusWorkflows } from '../fixtures/corpus-paths.ts';

const valid = validCorpusWorkflows();

/** A user gives the required inputs: here the samples the paths are derived with. */
const requiredInputs = (workflow: Workflow): string[] => {
  const { inputs } = deriveOutcomes(workflow);
  return workflow.inputs
    .filter((spec) => spec.required && spec.default === undefined)
    .map((spec) => {
      const value = inputs[spec.name];
      return `${spec.name}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    });
};

async function dryRun(file: string, workflow: Workflow) {
  const out: string[] = [];
  const err: string[] = [];
  const logDir = await mkdtemp(join(tmpdir(), 'corpus-dry-run-'));
  const flags: RunFlags = {
    input: requiredInputs(workflow),
    secret: [],
    approve: [],
    reject: [],
    logDir,
    dryRun: true,
    json: true,
    autoApprove: true,
  };
  try {
    const code = await runWorkflowCommand(file, flags, {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env: {},
      cwd: logDir,
    });
    const lines = out.join('').trim().split('\n').filter(Boolean);
    return { code, events: lines.map((line) => JSON.parse(line) as RunEvent), stderr: err.join('') };
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}

describe('dry runs over the corpus', () => {
  it('finds the corpus, most of it valid', () => {
    expect(valid.length).toBeGreaterThan(15);
  });

  for (const { file, workflow } of valid) {
    const name = file.slice(CORPUS_DIR.length + 1);
    const conditional = workflow.edges.filter((edge) => edge.when).length;

    it(`${name}: the dry run passes every condition it meets (${conditional} conditional edges)`, async () => {
      const { code, events, stderr } = await dryRun(file, workflow);
      expect(code, stderr).toBeLessThan(2);
      const unevaluated = events.filter(
        (event) => event.type === 'node.skipped' && /cannot evaluate/.test(event.reason ?? ''),
      );
      expect(unevaluated, stderr).toEqual([]);
      expect(events.at(-1)?.type).toMatch(/^run\.(completed|failed)$/);
      expect(stderr).toContain('dry run follows');
      expect(stderr).not.toContain('left its path');
    });

    it(`${name}: sopstate test covers every edge or says why it cannot`, async () => {
      const report = await testPaths(workflow);
      const text = formatReport(report);
      if (report.coverage.percent === 100) {
        expect(text).toMatch(/edge coverage: (\d+)\/\1 \(100%\)/);
        return;
      }
      for (const missing of report.coverage.missing) {
        const line = text.split('\n').find((entry) => entry.startsWith(`  not exercised: ${missing} — `));
        expect(line, `${missing} is not named with a reason`).toBeDefined();
        // A reason about the workflow, not the fallback texts that say nothing about it.
        expect(line).not.toMatch(/— no run took it$|but its run did not/);
      }
    });
  }
});
