// The layering of src/ as a test: each folder imports only the folders below it, so the flow
// osop/ → machine/ → adapters/ → store/ → server/ & cli/ can be read from the imports.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/** Folder → the folders of ours it may import. `(root)` is src/index.ts, the public surface. */
const ALLOWED: Record<string, readonly string[]> = {
  events: [],
  util: [],
  osop: ['events', 'util'],
  adapters: ['events', 'util', 'osop'],
  machine: ['events', 'util', 'osop', 'adapters'],
  inspect: ['events', 'util', 'osop', 'adapters', 'machine'],
  sandbox: ['util'],
  services: ['events', 'util', 'osop', 'adapters', 'sandbox'],
  paths: ['events', 'util', 'osop', 'adapters', 'machine', 'services', 'sandbox'],
  store: ['events', 'util', 'osop', 'machine', 'inspect'],
  server: ['events', 'util', 'osop', 'adapters', 'machine', 'inspect', 'sandbox', 'services', 'paths', 'store'],
  cli: ['events', 'util', 'osop', 'adapters', 'machine', 'inspect', 'sandbox', 'services', 'paths', 'store', 'server'],
  '(root)': ['events', 'util', 'osop', 'adapters', 'machine', 'inspect', 'sandbox', 'services', 'paths', 'server'],
};

/** Modules a pure layer must not reach for: its caller passes secrets, files, clock and output in. */
const NO_EFFECTS = /^node:(fs|fs\/promises|child_process|net|http|https)$/;
const PURE_FOLDERS = ['events', 'machine'];

interface Import {
  file: string;
  from: string;
  to: string;
}

const sourceFiles = (): string[] =>
  readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.includes('generated'))
    .map((file) => join(SRC, file));

const folderOf = (file: string): string => {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : '(root)';
};

const specifiersOf = (file: string): string[] =>
  ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);

const ourImports = (): Import[] =>
  sourceFiles().flatMap((file) =>
    specifiersOf(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => {
        const target = normalize(join(dirname(file), specifier));
        return { file: relative(SRC, file), from: folderOf(file), to: folderOf(target) };
      })
      .filter(({ from, to }) => from !== to),
  );

const forbiddenImports = (imports: readonly Import[]): string[] =>
  imports.filter(({ from, to }) => !ALLOWED[from]?.includes(to)).map(({ file, to }) => `${file} imports ${to}/`);

const cycles = (edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] => {
  const found: string[][] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of edges.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) found.push([...trail.slice(at), next]);
      else visit(next, [...trail, next]);
    }
  };
  for (const node of edges.keys()) visit(node, [node]);
  return found;
};

describe('import rules of src/', () => {
  const imports = ourImports();

  it('every folder is known to the rules', () => {
    const folders = new Set(sourceFiles().map(folderOf));
    expect([...folders].filter((folder) => !(folder in ALLOWED))).toEqual([]);
  });

  it('each folder imports only the folders below it', () => {
    expect(forbiddenImports(imports)).toEqual([]);
  });

  it('no folder cycle', () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, to } of imports) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    expect(cycles(edges)).toEqual([]);
  });

  it('events/ and machine/ do no I/O: no file system, process environment or terminal', () => {
    const effects = sourceFiles()
      .filter((file) => PURE_FOLDERS.includes(folderOf(file)))
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        const modules = specifiersOf(file).filter((specifier) => NO_EFFECTS.test(specifier));
        const globals = [...text.matchAll(/\bprocess\.(env|stdout|stderr|stdin|emitWarning)\b/g)].map((m) => m[0]);
        return [...modules, ...globals].map((what) => `${relative(SRC, file)} uses ${what}`);
      });
    expect(effects).toEqual([]);
  });

  it('the rules catch a forbidden import (the check is not vacuous)', () => {
    expect(
      forbiddenImports([
        { file: 'adapters/registry.ts', from: 'adapters', to: 'sandbox' },
        { file: 'inspect/inspection-log.ts', from: 'inspect', to: 'server' },
        { file: 'machine/node-actor.ts', from: 'machine', to: 'adapters' },
      ]),
    ).toEqual(['adapters/registry.ts imports sandbox/', 'inspect/inspection-log.ts imports server/']);
    expect(
      cycles(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['a'])],
        ]),
      ),
    ).not.toEqual([]);
  });
});
