// Modules find schema/ and the web page from the package root, at whatever depth the build puts them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/package-root.ts';

const root = mkdtempSync(join(tmpdir(), 'sopstate-root-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('packageRoot', () => {
  it('is the nearest folder with a package.json, from a module one level down or in a bundle chunk three down', () => {
    writeFileSync(join(root, 'package.json'), '{"name":"sopstate"}');
    mkdirSync(join(root, 'dist/cli/chunks'), { recursive: true });
    expect(packageRoot(pathToFileURL(join(root, 'dist/index.js')).href)).toBe(root);
    expect(packageRoot(pathToFileURL(join(root, 'dist/cli/chunks/chunk-ABC.js')).href)).toBe(root);
  });

  it('is this repository for its own sources', () => {
    expect(packageRoot(pathToFileURL(join(import.meta.dirname, '../src/osop/schema-verdict.ts')).href)).toBe(
      join(import.meta.dirname, '..'),
    );
  });
});
