// `npm run build` does nothing when dist/ is a finished build of the same inputs (npm runs it again on the first
// `npx sopstate` in a clone and on `npm pack`), and builds whenever an input, an output or the last build's outcome
// says dist/ may not match. The real build script, over a small project in a temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BUILD = join(import.meta.dirname, '../scripts/build.mjs');
const project = mkdtempSync(join(tmpdir(), 'sopstate-build-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), text);
};
write('package.json', '{"name":"build-skip","type":"module"}\n');
write('tsconfig.json', '{}\n');
write(
  'tsconfig.build.json',
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      declaration: true,
      rootDir: 'src',
      outDir: 'dist',
      types: [],
    },
    include: ['src'],
  }),
);
write('src/index.ts', 'export const answer: number = 1;\n');
write('src/cli/main.ts', "console.log('main');\n");
write('src/server/web/static/page.html', '<p>page</p>\n');
write('src/sandbox/stripe/generated/table.json', '{}\n');

/** A file the build does not make: a build removes dist/ first, so it survives only a skipped build. */
const MARKER = 'dist/left-by-the-test.txt';
const build = (...args: string[]) => {
  const result = spawnSync(process.execPath, [BUILD, ...args], { cwd: project, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
};
const built = (path: string) => existsSync(join(project, path));

describe('npm run build', { timeout: 90_000 }, () => {
  it('builds dist/ and records what it was built from', () => {
    expect(build()).toMatchObject({ status: 0 });
    for (const output of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/server/web/static/page.html'])
      expect(built(output), output).toBe(true);
    expect(readFileSync(join(project, 'dist/.build-inputs'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('does nothing the second time, and says so on stderr (`npm run -s bench -- --json` builds first)', () => {
    write(MARKER, 'x');
    const again = build();
    expect(again.status).toBe(0);
    expect(again.output).toContain('dist/ is up to date');
    expect(again.stdout).toBe('');
    expect(built(MARKER)).toBe(true);
  });

  it('builds again when a source changes', () => {
    write('src/index.ts', 'export const answer: number = 2;\n');
    expect(build()).toMatchObject({ status: 0 });
    expect(built(MARKER)).toBe(false);
    expect(readFileSync(join(project, 'dist/index.js'), 'utf8')).toContain('answer = 2');
  });

  it('builds again when a source is added, and with --force when nothing changed', () => {
    write('src/extra.ts', 'export const extra = true;\n');
    write(MARKER, 'x');
    expect(build()).toMatchObject({ status: 0 });
    expect(built('dist/extra.js')).toBe(true);
    write(MARKER, 'x');
    expect(build('--force')).toMatchObject({ status: 0 });
    expect(built(MARKER)).toBe(false);
  });

  it('builds again when an output is gone', () => {
    unlinkSync(join(project, 'dist/cli/main.js'));
    expect(build()).toMatchObject({ status: 0 });
    expect(built('dist/cli/main.js')).toBe(true);
  });

  it('leaves no record after a failed build, so the next one builds even from the sources of the last good one', () => {
    const good = readFileSync(join(project, 'src/index.ts'), 'utf8');
    write('src/index.ts', 'export const answer: number = "not a number";\n');
    expect(build().status).not.toBe(0);
    expect(built('dist/.build-inputs')).toBe(false);
    write('src/index.ts', good);
    const after = build();
    expect(after).toMatchObject({ status: 0 });
    expect(after.output).not.toContain('up to date');
    expect(built('dist/index.js')).toBe(true);
  });
});
