import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src/osop/expression.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { LoadResult } from '../../src/osop/workflow.ts';
import { CORPUS_DIR, SEED_FILE } from '../fixtures/corpus-paths.ts';

function workflowFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return workflowFiles(path);
    return /\.osop(\.ya?ml|\.json)?$/.test(name) ? [path] : [];
  });
}

const texts = [SEED_FILE, ...workflowFiles(CORPUS_DIR)].map((file) => readFileSync(file, 'utf8'));
function parsed(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const documents = texts.map(parsed).filter((data) => data && typeof data === 'object');

type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value && typeof value === 'object')
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return [prefix];
}

function setAt(root: unknown, path: Path, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root);
  const [head, ...rest] = path;
  const container = Array.isArray(root) ? [...root] : { ...(root as Record<string, unknown>) };
  (container as Record<string | number, unknown>)[head] = setAt(
    (root as Record<string | number, unknown>)[head],
    rest,
    replace,
  );
  return container;
}

const nasty = fc.oneof(
  fc.constantFrom(
    '${create_customr.customer_id}',
    '${inputs.}',
    '${secrets.KEY}',
    '{{x}}',
    "a.b[*].c == 'x'",
    'result != success',
    'status(',
    '${outputs}',
    'inputs',
    '',
    '10m',
    'wait_n',
    'switch',
  ),
  fc.string(),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value: nasty }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({ kind: fc.constant('duplicate' as const) }),
);

interface Mutation {
  kind: 'replace' | 'delete' | 'duplicate';
  value?: unknown;
}

function mutate(document: unknown, choices: Array<{ at: number; op: Mutation }>): unknown {
  let current = document;
  for (const { at, op } of choices) {
    const all = paths(current);
    const path = all[at % all.length];
    if (op.kind === 'replace') current = setAt(current, path, () => op.value);
    else if (op.kind === 'delete' && path.length > 0) {
      current = setAt(current, path.slice(0, -1), (parent) => {
        if (Array.isArray(parent)) return parent.filter((_, index) => index !== path[path.length - 1]);
        const { [String(path[path.length - 1])]: _removed, ...rest } = parent as Record<string, unknown>;
        return rest;
      });
    } else if (op.kind === 'duplicate' && path.length > 0) {
      current = setAt(current, path.slice(0, -1), (parent) =>
        Array.isArray(parent) ? [...parent, parent[Number(path[path.length - 1])]] : parent,
      );
    }
  }
  return current;
}

function checkResult(result: LoadResult, file: string): void {
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  expect(result.workflow === undefined).toBe(errors.length > 0);
  for (const diagnostic of result.diagnostics) {
    expect(diagnostic.file).toBe(file);
    expect(diagnostic.line).toBeGreaterThanOrEqual(1);
    expect(diagnostic.col).toBeGreaterThanOrEqual(1);
    expect(diagnostic.message.length).toBeGreaterThan(0);
  }
  const workflow = result.workflow;
  if (!workflow) return;
  const ids = new Set(workflow.nodes.map((node) => node.id));
  expect(ids.size).toBe(workflow.nodes.length);
  for (const edge of workflow.edges) {
    expect(ids.has(edge.from) && ids.has(edge.to)).toBe(true);
    for (const expression of [edge.when, edge.forEach]) {
      if (!expression) continue;
      try {
        expression.evaluate({ inputs: {}, outputs: {}, metadata: {}, env: {}, nodes: {} });
      } catch (failure) {
        expect(failure).toBeInstanceOf(ExpressionError);
      }
    }
  }
  for (const id of workflow.start) expect(ids.has(id)).toBe(true);
}

describe('mutated documents never crash the loader', () => {
  it('structural mutations of the seed and corpus (YAML and JSON)', () => {
    let count = 0;
    fc.assert(
      fc.property(
        fc.nat(documents.length - 1),
        fc.array(fc.record({ at: fc.nat(), op: mutation }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (which, choices, asJson) => {
          const mutated = mutate(documents[which], choices);
          const text = asJson ? (JSON.stringify(mutated) ?? 'null') : stringify(mutated);
          const file = asJson ? 'fuzz.osop.json' : 'fuzz.osop.yaml';
          checkResult(loadWorkflowText(text, file), file);
          count++;
        },
      ),
      { numRuns: 200, seed: 20261129 },
    );
    expect(count).toBe(200);
  });

  it('textual mutations (cut, insert, swap characters) of the seed and corpus', () => {
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.nat(),
        fc.nat(20),
        fc.string({ maxLength: 12 }),
        (which, offset, cut, insert) => {
          const text = texts[which];
          const at = offset % (text.length + 1);
          const mutated = text.slice(0, at) + insert + text.slice(at + cut);
          checkResult(loadWorkflowText(mutated, 'fuzz.osop.yaml'), 'fuzz.osop.yaml');
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });
});
