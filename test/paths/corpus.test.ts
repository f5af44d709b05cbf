// Every valid workflow in the corpus fixtures: its paths are enumerated within the bound and each passes at model level.
import { describe, expect, it } from 'vitest';
import { testPaths } from '../../src/paths/test-paths.ts';
import { CORPUS_DIR, validCorpusWorkflows } from '../fixtures/corpus-paths.ts';

const valid = validCorpusWorkflows();

describe('path tests over the corpus', () => {
  it('finds the corpus, most of it valid', () => {
    expect(valid.length).toBeGreaterThan(15);
  });

  for (const { file, workflow } of valid) {
    it(`${file.slice(CORPUS_DIR.length + 1)}: paths within the bound, all pass at model level`, async () => {
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
