import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../src/osop/validate-file.ts';

const SHARED = '/work/shared';
const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

function officialValidator(file: string) {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(SHARED, 'osop-schema', file), 'utf8')) as object);
}

const official = { core: officialValidator('osop-core.schema.json'), full: officialValidator('osop.schema.json') };

function workflows(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return workflows(path);
    return /\.(osop(\.ya?ml|\.json)?|json)$/.test(name) ? [path] : [];
  });
}

const parsable = [...workflows(join(SHARED, 'seed')), ...workflows(join(SHARED, 'corpus'))].filter((file) => {
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
      it(`${schema}: ${file.replace(`${SHARED}/`, '')}`, async () => {
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
      if (!verdict.diagnostics.some((diagnostic) => diagnostic.code === 'schema-core')) passing.push(file.replace(`${SHARED}/corpus/`, ''));
    }
    const expected = passing.filter((file) => file.startsWith('osop-examples/core/') || file.includes('simple-agent-chain') || file.startsWith('osop-fixtures/'));
    expect(passing).toEqual(expected);
    expect(passing.some((file) => file.startsWith('osop-spec-examples/'))).toBe(false);
  });

  it('locates a schema violation at the offending key', async () => {
    const verdict = await validateFile(join(SHARED, 'corpus/osop-examples/demo/conditional-review.osop.yaml'), { schema: 'core' });
    const condition = verdict.diagnostics.find((diagnostic) => diagnostic.code === 'schema-core' && diagnostic.message.includes('"condition"'))!;
    const line = readFileSync(join(SHARED, 'corpus/osop-examples/demo/conditional-review.osop.yaml'), 'utf8').split('\n')[condition.line - 1];
    expect(line.trim().startsWith('condition:')).toBe(true);
  });

  it('--strict applies the full schema and fails on warnings', async () => {
    const lenient = await validateFile(join(SHARED, 'corpus/osop-fixtures/valid_complex.osop'));
    const strict = await validateFile(join(SHARED, 'corpus/osop-fixtures/valid_complex.osop'), { strict: true });
    expect(lenient.valid).toBe(true);
    expect(strict.valid).toBe(false);
    const seedStrict = await validateFile(join(SHARED, 'seed/ex-sop-stripe-payment.osop.yaml'), { strict: true });
    expect(seedStrict.diagnostics.some((diagnostic) => diagnostic.code === 'schema-full' && diagnostic.message.includes('purpose'))).toBe(true);
  });

  it('checks .osoplog records against the osoplog schema when asked', async () => {
    const record = join(SHARED, 'corpus/osop-examples/ai-agent/research-and-summarize.osoplog.yaml');
    expect((await validateFile(record)).valid).toBe(true);
    const checked = await validateFile(record, { schema: 'full' });
    expect(checked.valid).toBe(false);
    expect(checked.diagnostics).toMatchObject([{ code: 'schema-osoplog', line: 74, message: expect.stringContaining('/node_records/2/error') }]);
    expect((await validateFile(join(SHARED, 'corpus/osop-examples/claude-code-session/fix-auth-bug.osoplog.yaml'), { schema: 'full' })).valid).toBe(true);
  });

  it('uses unchanged copies of the official schemas, with their licence', () => {
    for (const file of ['osop-core.schema.json', 'osop.schema.json', 'osoplog.schema.json', 'LICENSE']) {
      expect(readFileSync(join('schema', file), 'utf8')).toBe(readFileSync(join(SHARED, 'osop-schema', file), 'utf8'));
    }
    expect(readFileSync('schema/NOTICE', 'utf8')).toContain('Apache License, Version 2.0');
  });
});
