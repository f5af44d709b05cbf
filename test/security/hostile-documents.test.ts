// Documents built to break the engine: each is refused (or bounded) with a located message, and never costs
// another file its verdict.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDiagnostics } from '../../src/machine/compile-check.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { validateFile } from '../../src/osop/validate-file.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import { sopstate } from '../cli/support/sopstate-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'sopstate-hostile-'));
const GOOD =
  'osop_version: "1.0"\nid: good\nname: Good\nnodes:\n  - {id: a, type: api}\n  - {id: b, type: api}\nedges:\n  - {from: a, to: b}\n';
const twoNodes = (first: string, edge = '') =>
  `osop_version: "1.0"\nid: t\nname: T\nnodes:\n  - {id: "${first}", type: api}\n  - {id: b, type: api}\nedges:\n  - {from: "${first}", to: b${edge}}\n`;
const chain = (count: number) =>
  `osop_version: "1.0"\nid: chain\nname: Chain\nnodes:\n${Array.from({ length: count }, (_, i) => `  - {id: n${i}, type: api}`).join('\n')}\nedges:\n${Array.from({ length: count - 1 }, (_, i) => `  - {from: n${i}, to: n${i + 1}}`).join('\n')}\n`;
const SUM = `${Array(15_000).fill('a.x').join('+')} > 0`;

const errorsOf = (text: string) =>
  loadWorkflowText(text, 'hostile.osop.yaml').diagnostics.filter((d) => d.severity === 'error');

describe('hostile documents', () => {
  it('validate gives every file its verdict, even next to one that used to crash the loader', () => {
    const deepYaml = join(dir, 'deep-yaml.osop.yaml');
    writeFileSync(
      deepYaml,
      `${GOOD.replace('  - {id: b, type: api}', `  - {id: b, type: api, x-sample: {v: ${'['.repeat(3000)}${']'.repeat(3000)}}}`)}`,
    );
    const sum = join(dir, 'sum.osop.yaml');
    writeFileSync(sum, twoNodes('a', `, mode: conditional, when: "${SUM}"`));
    const good = join(dir, 'good.osop.yaml');
    writeFileSync(good, GOOD);
    const { code, stdout, stderr } = sopstate(['validate', deepYaml, sum, good]);
    expect(code).toBe(2);
    expect(stderr).toContain('3 files: 2 invalid');
    expect(stdout).toMatch(/deep-yaml\.osop\.yaml:\d+:\d+: error: /);
    expect(stdout).toMatch(/sum\.osop\.yaml:8:\d+: error: expression is 60003 characters; the limit is 4096/);
    expect(stdout).not.toContain('good.osop.yaml');
  });

  it('refuses a 60 KB condition with a located error instead of overflowing the stack', () => {
    expect(errorsOf(twoNodes('a', `, mode: conditional, when: "${SUM}"`))).toMatchObject([
      { code: 'cel-too-complex', line: 8 },
    ]);
    const nested = `${'('.repeat(2000)}a.x${')'.repeat(2000)} > 0`;
    expect(errorsOf(twoNodes('a', `, mode: conditional, when: "${nested}"`))).toMatchObject([
      { code: 'cel-too-complex', line: 8 },
    ]);
  });

  it('refuses node ids that JavaScript objects or XState reserve, where they are written', async () => {
    for (const id of ['__proto__', 'constructor', 'toString']) {
      expect(errorsOf(twoNodes(id)), id).toMatchObject([
        { code: 'reserved-node-id', line: 5, message: expect.stringContaining(id) },
      ]);
    }
    const dotted = join(dir, 'dotted.osop.yaml');
    writeFileSync(dotted, twoNodes('a.b'));
    const verdict = await validateFile(dotted, { check: compileDiagnostics });
    expect(verdict.valid).toBe(false);
    expect(verdict.diagnostics).toMatchObject([
      { code: 'compile', line: 5, message: expect.stringContaining('may not contain ".", "#" or "/"') },
    ]);
  });

  it('refuses parallel forks nested deeper than the compiler allows, in validate', async () => {
    const depth = 10;
    const nodes = Array.from(
      { length: depth + 1 },
      (_, i) => `  - {id: f${i}, type: api}\n  - {id: s${i}, type: api}`,
    ).join('\n');
    const edges = Array.from(
      { length: depth },
      (_, i) => `  - {from: f${i}, to: f${i + 1}, mode: parallel}\n  - {from: f${i}, to: s${i}, mode: parallel}`,
    ).join('\n');
    const file = join(dir, 'forks.osop.yaml');
    writeFileSync(file, `osop_version: "1.0"\nid: forks\nname: Forks\nnodes:\n${nodes}\nedges:\n${edges}\n`);
    const verdict = await validateFile(file, { check: compileDiagnostics });
    expect(verdict.valid).toBe(false);
    expect(verdict.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'compile',
      message: expect.stringContaining('nested more than 8 deep'),
    });
  });

  it('paths says a chain of more than 5,000 nodes is beyond its bound instead of running out of memory', () => {
    const { workflow } = loadWorkflowText(chain(5001), 'chain.osop.yaml');
    const result = enumeratePaths(workflow!);
    expect(result).toMatchObject({ complete: false, paths: [] });
    expect(result.stoppedBecause).toBe('the workflow has 5001 nodes; paths explores at most 5000 (split the workflow)');
  });
});
