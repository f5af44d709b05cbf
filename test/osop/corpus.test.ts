import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { validateFile } from '../../src/osop/validate-file.ts';
import { CORPUS_DIR, REPO_ROOT, SEED_FILE } from '../fixtures/corpus-paths.ts';

const BROKEN = ['empty.osop', 'invalid_yaml.osop', 'missing_fields.osop'];
/** docs/semantics.md: "an unquoted word compared as a value (`result != success`) is a located error". */
const UNQUOTED_WORD = 'cicd-deploy.osop.yaml';

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return name.endsWith('.md') ? [] : [path];
  });
}

const files = [SEED_FILE, ...filesUnder(CORPUS_DIR)];
const name = (path: string) => path.split('/').pop()!;

describe('every seed and corpus file', () => {
  it('is found', () => {
    expect(files.length).toBeGreaterThanOrEqual(24);
  });

  for (const file of files.filter((path) => !BROKEN.includes(name(path)) && name(path) !== UNQUOTED_WORD)) {
    it(`${file.replace(`${REPO_ROOT}/`, '')} is valid`, async () => {
      // Spec validity: these documents are not all meant to run on sopstate live (issue 19 made that an error by default).
      const verdict = await validateFile(file, { dryRun: true });
      expect(verdict.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
      expect(verdict.valid).toBe(true);
      if (verdict.kind === 'workflow') {
        const { workflow } = await loadWorkflowFile(file);
        expect(workflow!.nodes.length).toBeGreaterThan(0);
        expect(workflow!.start.length).toBeGreaterThan(0);
      }
    });
  }

  for (const broken of BROKEN) {
    it(`${broken} is refused with a located message`, async () => {
      const verdict = await validateFile(join(CORPUS_DIR, 'osop-fixtures', broken));
      expect(verdict.valid).toBe(false);
      const [first] = verdict.diagnostics;
      expect(first).toMatchObject({ severity: 'error', file: expect.stringContaining(broken) });
      expect(first.line).toBeGreaterThanOrEqual(1);
      expect(first.col).toBeGreaterThanOrEqual(1);
    });
  }

  it('invalid_yaml.osop points at the unclosed quote', async () => {
    const [first] = (await validateFile(join(CORPUS_DIR, 'osop-fixtures/invalid_yaml.osop'))).diagnostics;
    expect(first.message).toMatch(/quote/i);
  });

  it('missing_fields.osop names the missing fields', async () => {
    const [first] = (await validateFile(join(CORPUS_DIR, 'osop-fixtures/missing_fields.osop'))).diagnostics;
    expect(first.message).toContain('name');
    expect(first.message).toContain('nodes');
  });

  it("cicd-deploy's `result != success` is located and suggests 'success'", async () => {
    const verdict = await validateFile(join(CORPUS_DIR, 'osop-spec-examples', UNQUOTED_WORD));
    const errors = verdict.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 75, col: 21, path: 'edges[4].when', code: 'cel-unquoted-word' });
    expect(errors[0].suggestion).toContain("'success'");
  });

  it('.osoplog records are recognised, not loaded as workflows', async () => {
    const record = files.find((path) => path.endsWith('.osoplog.yaml'))!;
    expect((await validateFile(record)).kind).toBe('osoplog');
    const loaded = await loadWorkflowFile(record);
    expect(loaded.diagnostics[0].code).toBe('osoplog-record');
    expect(readFileSync(record, 'utf8')).toContain('osoplog_version');
  });
});
