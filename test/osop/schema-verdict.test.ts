import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../src/osop/validate-file.ts';
import { CORPUS_DIR, REPO_ROOT, SEED_FILE } from '../fixtures/corpus-paths.ts';

const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

function officialValidator(file: string) {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schema', file), 'utf8')) as object);
}

const official = { core: officialValidator('osop-core.schema.json'), full: officialValidator('osop.schema.json') };

function workflows(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return workflows(path);
    return /\.(osop(\.ya?ml|\.json)?|json)$/.test(name) ? [path] : [];
  });
}

const parsable = [SEED_FILE, ...workflows(CORPUS_DIR)].filter((file) => {
  try {
    parse(readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
});

describe('--schema core|full reports the same verdict as Ajv on the official schemas', () => {
  for (const schema of ['core', 'full'] as const) {
    for (const file of parsable) {
      it(`${schema}: ${file.replace(`${REPO_ROOT}/`, '')}`, async () => {
        const expected = official[schema](parse(readFileSync(file, 'utf8')) ?? null);
        const verdict = await validateFile(file, { schema });
        const schemaErrors = verdict.diagnostics.filter((diagnostic) => diagnostic.code === `schema-${schema}`);
        expect(schemaErrors.length === 0).toBe(expected);
        for (const error of schemaErrors) expect(error.line).toBeGreaterThanOrEqual(1);
      });
    }
  }

  it('the core schema passes exactly the files the corpus README lists', async () => {
    const passing: string[] = [];
    for (const file of parsable) {
      const verdict = await validateFile(file, { schema: 'core' });
      if (!verdict.diagnostics.some((diagnostic) => diagnostic.code === 'schema-core'))
        passing.push(file.replace(`${CORPUS_DIR}/`, ''));
    }
    const expected = passing.filter(
      (file) =>
        file.startsWith('osop-examples/core/') ||
        file.includes('simple-agent-chain') ||
        file.startsWith('osop-fixtures/'),
    );
    expect(passing).toEqual(expected);
    expect(passing.some((file) => file.startsWith('osop-spec-examples/'))).toBe(false);
  });

  it('locates a schema violation at the offending key', async () => {
    const verdict = await validateFile(join(CORPUS_DIR, 'osop-examples/demo/conditional-review.osop.yaml'), {
      schema: 'core',
    });
    const condition = verdict.diagnostics.find(
      (diagnostic) => diagnostic.code === 'schema-core' && diagnostic.message.includes('"condition"'),
    )!;
    const line = readFileSync(join(CORPUS_DIR, 'osop-examples/demo/conditional-review.osop.yaml'), 'utf8').split('\n')[
      condition.line - 1
    ];
    expect(line.trim().startsWith('condition:')).toBe(true);
  });

  it('--strict applies the full schema and fails on warnings', async () => {
    // Spec validity only: this fixture's agent names no Claude model, which stops a live run (not a dry run).
    const lenient = await validateFile(join(CORPUS_DIR, 'osop-fixtures/valid_complex.osop'), { dryRun: true });
    const strict = await validateFile(join(CORPUS_DIR, 'osop-fixtures/valid_complex.osop'), {
      strict: true,
      dryRun: true,
    });
    expect(lenient.valid).toBe(true);
    expect(strict.valid).toBe(false);
    const seedStrict = await validateFile(SEED_FILE, { strict: true });
    expect(
      seedStrict.diagnostics.some(
        (diagnostic) => diagnostic.code === 'schema-full' && diagnostic.message.includes('purpose'),
      ),
    ).toBe(true);
  });

  it('checks .osoplog records against the osoplog schema when asked', async () => {
    const record = join(CORPUS_DIR, 'osop-examples/ai-agent/research-and-summarize.osoplog.yaml');
    expect((await validateFile(record)).valid).toBe(true);
    const checked = await validateFile(record, { schema: 'full' });
    expect(checked.valid).toBe(false);
    expect(checked.diagnostics).toMatchObject([
      { code: 'schema-osoplog', line: 74, message: expect.stringContaining('/node_records/2/error') },
    ]);
    expect(
      (
        await validateFile(join(CORPUS_DIR, 'osop-examples/claude-code-session/fix-auth-bug.osoplog.yaml'), {
          schema: 'full',
        })
      ).valid,
    ).toBe(true);
  });

  it('uses unchanged copies of the official schemas, with their licence', () => {
    // SHA-256 of the files as published in the OSOP specification repository.
    const upstream: Record<string, string> = {
      'osop-core.schema.json': '6eaf2f96ecc86f2046df4f1aaed965daffa4d8b6c0a1444cf4d5bb0502e1014b',
      'osop.schema.json': '948080f7ebb388908501b12d829d034a78a4d726d91758b68c495fdcbc447f70',
      'osoplog.schema.json': '6a3de0cd07bda247735b6f157da8797232f550b675f9ffc147c451ae52c20c9e',
      LICENSE: '659337c33d6683af4dd288fbd4a2750047b4bf26e91ddf9f4036de55cea72dbc',
    };
    for (const [file, sha256] of Object.entries(upstream)) {
      expect(
        createHash('sha256')
          .update(readFileSync(join('schema', file)))
          .digest('hex'),
        file,
      ).toBe(sha256);
    }
    expect(readFileSync('schema/NOTICE', 'utf8')).toContain('Apache License, Version 2.0');
  });
});
