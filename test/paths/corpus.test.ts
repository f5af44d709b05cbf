// Every valid workflow in the corpus fixtures: its paths are enumerated within the bound and each passes at model level.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText, WORKFLOW_EXTENSIONS } from '../../src/osop/load.ts';
import { testPaths } from '../../src/paths/test-paths.ts';

const CORPUS = resolve(import.meta.dirname, '../fixtures/corpus');

const files = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
  .filter((file) => WORKFLOW_EXTENSIONS.some((extension) => file.endsWith(extension)))
  .map((file) => join(CORPUS, file))
  .sort();
const valid = files.flatMap((file) => {
  const { workflow } = loadWorkflowText(readFileSync(file, 'utf8'), file);
  return workflow ? [{ file, workflow }] : [];
});

describe('path tests over the corpus', () => {
  it('finds the corpus, most of it valid', () => {
    expect(valid.length).toBeGreaterThan(15);
  });

  for (const { file, workflow } of valid) {
    it(`${file.slice(CORPUS.length + 1)}: paths within the bound, all pass at model level`, async () => {
      const report = await testPaths(workflow);
      expect(report.enumeration.complete, report.enumeration.stoppedBecause).toBe(true);
      expect(report.enumeration.paths.length).toBeGreaterThan(0);
      expect(report.enumeration.paths.some((path) => path.status === 'COMPLETED')).toBe(true);
      expect(report.checks.filter((check) => !check.passed).map((check) => [check.path.id, check.problems])).toEqual(
        [],
      );
    });
  }
});
