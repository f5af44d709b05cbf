// A build compared in one process with another (compare-builds.ts) must load as the ES modules it is: a copy of dist/
// with no package.json saying so would load as CommonJS, through tsx's transform, and read slower than it is.
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltPackage } from '../../bench/lib/built-package.ts';
import { REPO_ROOT } from '../../bench/lib/repo.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sopstate-built-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadBuiltPackage', () => {
  it('refuses a copy of dist/ with no package.json of "type": "module" above it, and loads it once there is one', async () => {
    const copy = join(scratch, 'dist');
    cpSync(join(REPO_ROOT, 'dist'), copy, { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(scratch, 'node_modules'));
    await expect(loadBuiltPackage(copy)).rejects.toThrow(`${copy} has no package.json with "type": "module"`);
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    await expect(loadBuiltPackage(copy)).rejects.toThrow('has no package.json');
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
    const built = await loadBuiltPackage(copy);
    expect(typeof built.startRun).toBe('function');
  });
});
