import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sopstate } from '../support/sopstate-cli.ts';

const SEED = 'examples/stripe-payment-seed.osop.yaml';
const FIXTURES = 'test/fixtures/corpus/osop-fixtures';

describe('sopstate validate', () => {
  it('exits 0 for the seed and says so', () => {
    const { code, stdout, stderr } = sopstate(['validate', SEED]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('1 file valid');
  });

  it('exits 2 for broken files, one file:line:col line per problem, no stack trace', () => {
    const { code, stdout, stderr } = sopstate([
      'validate',
      `${FIXTURES}/empty.osop`,
      `${FIXTURES}/invalid_yaml.osop`,
      `${FIXTURES}/missing_fields.osop`,
    ]);
    expect(code).toBe(2);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines)
      expect(line).toMatch(/^test\/fixtures\/corpus\/osop-fixtures\/\w+\.osop:\d+:\d+: error: .+/);
    expect(`${stdout}${stderr}`).not.toMatch(/\n\s+at /);
  });

  it('keeps warnings from failing unless --strict', () => {
    const file = `${FIXTURES}/valid_complex.osop`;
    const lenient = sopstate(['validate', '--dry-run', file]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/valid_complex\.osop:37:12: warning: 'approved'/);
    expect(sopstate(['validate', '--strict', file]).code).toBe(2);
  });

  it('fails a document that cannot run live with the reason, unless --dry-run says it is meant only for dry runs', () => {
    const file = `${FIXTURES}/valid_complex.osop`;
    const live = sopstate(['validate', file]);
    expect(live.code).toBe(2);
    expect(live.stdout).toMatch(/valid_complex\.osop:6:5: error: agent node plan: runtime\.model is missing/);
    expect(live.stdout).toMatch(/warning: node execute runs a shell command: it runs only with --allow-cli/);
    // With --dry-run the same file passes: see 'keeps warnings from failing unless --strict' above.
  });

  it('prints the diagnostics as a JSON array with --json', () => {
    const { code, stdout } = sopstate(['validate', '--json', '--schema', 'core', SEED]);
    expect(code).toBe(2);
    const diagnostics = JSON.parse(stdout) as Array<{ code: string; line: number; path: string }>;
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((diagnostic) => diagnostic.code === 'schema-core' && diagnostic.line > 0)).toBe(true);
  });

  it('reads - from stdin', () => {
    const text = 'osop_version: "1.0"\nid: x\nname: X\nnodes:\n  - id: a\n    type: cli\nedges: []\n';
    expect(sopstate(['validate', '-'], { input: text }).code).toBe(0);
    const broken = sopstate(['validate', '-'], { input: text.replace('id: a', 'id: outputs') });
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/^-:5:9: error: node id "outputs" collides/m);
  });

  it('rejects a missing file and an unknown --schema cleanly', () => {
    const missing = sopstate(['validate', '/nonexistent/flow.osop.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('no such file');
    const usage = sopstate(['validate', '--schema', 'nope', SEED]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Allowed choices are core, full/);
  });

  it('checks every OSOP file under a directory', () => {
    const directory = mkdtempSync(join(tmpdir(), 'sopstate-validate-'));
    mkdirSync(join(directory, 'nested'));
    const good = 'osop_version: "1.0"\nid: x\nname: X\nnodes:\n  - {id: a, type: cli}\n';
    writeFileSync(join(directory, 'good.osop.yaml'), good);
    writeFileSync(join(directory, 'nested', 'bad.osop'), good.replace('id: a', 'id: 7'));
    writeFileSync(join(directory, 'notes.txt'), 'not a workflow');
    const { code, stdout, stderr } = sopstate(['validate', directory]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/nested\/bad\.osop:5:10: error: node needs an id/);
    expect(stderr).toContain('2 files: 1 invalid');
  });

  it('exits 2 when - (stdin) is given twice, instead of calling the second read an empty document', () => {
    const text = 'osop_version: "1.0"\nid: x\nname: X\nnodes:\n  - id: a\n    type: cli\nedges: []\n';
    const { code, stdout, stderr } = sopstate(['validate', '-', '-'], { input: text });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('- (stdin) can be read only once');
  });

  it('exits 2 for a folder with no OSOP files instead of calling it valid', () => {
    const directory = mkdtempSync(join(tmpdir(), 'sopstate-validate-empty-'));
    writeFileSync(join(directory, 'notes.txt'), 'not a workflow');
    const { code, stdout, stderr } = sopstate(['validate', directory]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${directory} holds no OSOP files`);
    expect(stderr).not.toContain('0 files valid');
  });
});
