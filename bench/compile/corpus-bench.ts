// Section 3b: validation time of the real OSOP files (`test/fixtures/corpus`), as `sopstate validate` does it, and
// the server's first workflow list over a big folder.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { validateFile } from '../../src/osop/validate-file.ts';
import { WORKFLOW_EXTENSIONS } from '../../src/osop/load.ts';
import { CORPUS_DIR } from '../lib/repo.ts';
import { percentile } from '../lib/stats.ts';
import { benchCatalog, type CatalogReport } from './catalog-bench.ts';

export interface CorpusReport {
  dir?: string;
  skipped?: string;
  files?: number;
  valid?: number;
  /** One pass over every file (after a warm-up pass), engine verdict only. */
  totalMs?: number;
  /** The same pass with the official full schema (Ajv) as well. */
  strictTotalMs?: number;
  p50FileMs?: number;
  maxFileMs?: number;
  /** The server's first workflow list over a big folder. */
  catalog?: CatalogReport;
}

const isOsopFile = (name: string) =>
  WORKFLOW_EXTENSIONS.some((extension) => name.endsWith(extension)) || /\.osoplog(\.ya?ml|\.json)?$/.test(name);

async function osopFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && isOsopFile(entry.name))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

async function pass(files: string[], strict: boolean): Promise<{ times: number[]; valid: number }> {
  const times: number[] = [];
  let valid = 0;
  for (const file of files) {
    const started = performance.now();
    const verdict = await validateFile(file, strict ? { schema: 'full' } : {});
    times.push(performance.now() - started);
    if (verdict.valid) valid += 1;
  }
  return { times, valid };
}

export async function benchCorpus(progress: (line: string) => void): Promise<CorpusReport> {
  const files = await osopFiles(CORPUS_DIR);
  const catalog = await benchCatalog(progress);
  if (files.length === 0) return { dir: CORPUS_DIR, skipped: 'the corpus folder holds no OSOP files', catalog };
  progress(`corpus: validating ${files.length} files`);
  await pass(files, false);
  await pass(files, true);
  const { times, valid } = await pass(files, false);
  const strict = await pass(files, true);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    dir: CORPUS_DIR,
    files: files.length,
    valid,
    totalMs: sum(times),
    strictTotalMs: sum(strict.times),
    p50FileMs: percentile(times, 50),
    maxFileMs: Math.max(...times),
    catalog,
  };
}
