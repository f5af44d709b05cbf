// 1,200 generated hostile documents through validate → compile → paths → dry run: nothing throws, and nothing
// validate accepts is then refused by the compiler, crashes paths, or crashes a dry run.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { compileDiagnostics } from '../../src/machine/compile-check.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { validateText } from '../../src/osop/validate-file.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';

const ID = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'a.b',
      'x#y',
      'p/q',
      'COMPLETED',
      'FAILED',
      'JOINED',
      'inputs',
      'env',
      'secrets',
      'outputs',
      '',
      ' ',
      'ünï',
      '${a}',
      '0',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);
const CONDITION = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('a.x > 1', "b.status == 'ok'", 'true', 'inputs.n > 2', 'size(inputs.list) > 0'),
  },
  fc.constantFrom(
    'a.x > 1',
    "b.status == 'ok'",
    'true',
    'false',
    '((((',
    '1/0 == 1',
    '[1,2].all(x, x > 0)',
    'inputs.n > 2',
    "a.x + 'y'",
    'size(inputs.list) > 0',
    'inputs.list.exists(x, inputs.list.all(y, y > x))',
    'result != success',
    '__proto__.x',
    'a.b.c.d.e.f',
    `${Array(3000).fill('a.x').join('+')} > 0`,
    `${'('.repeat(600)}1${')'.repeat(600)} == 1`,
    '${inputs.x}',
    '',
  ),
  fc.string({ maxLength: 12 }),
);
const MODE = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('sequential', 'conditional', 'parallel', 'fallback', undefined) },
  fc.constantFrom('loop', 'error', 'timeout', 'switch', 'join', 'bogus'),
);
const RUNTIME = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  fc.constantFrom(
    { command: 'echo ${inputs.x}' },
    { command: 'echo "open ${a.x}' },
    { command: '${inputs.x} | tee' },
    { shell: 'yes', command: 'x' },
    { url: 'https://api.test/${a.id}', method: 'PUT' },
    { prompt: '${secrets.K} ${b.text}' },
    { env: { A: '${env.HOME}' } },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const NODE = fc.record(
  {
    id: ID,
    type: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('api', 'human', 'cli') },
      fc.constantFrom('agent', 'db', 'weird', ''),
    ),
    runtime: RUNTIME,
    max_iterations: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, fc.constantFrom(0, 1, 2, -3, 'x')),
  },
  { requiredKeys: ['id', 'type'] },
);
const edgeAmong = (ids: string[]) => {
  const end = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ids) }, ID);
  return fc.record(
    {
      from: end,
      to: fc.oneof({ weight: 6, arbitrary: end }, fc.array(end, { maxLength: 3 })),
      mode: MODE,
      when: CONDITION,
      for_each: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        fc.constantFrom('inputs.list', '[1,2,3]', '((', 'inputs.n'),
      ),
      max_iterations: fc.constantFrom(undefined, 1, 3, 0),
    },
    { requiredKeys: ['from', 'to'] },
  );
};
const INPUTS = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constant([
      { name: 'list', type: 'array', default: [1, 2, 3] },
      { name: 'n', type: 'integer', default: 3 },
    ]),
  },
  fc.constantFrom(undefined, [{ name: 'x' }], [{ name: '__proto__' }], 'x'),
);
const DOCUMENT = fc.uniqueArray(NODE, { minLength: 1, maxLength: 6, selector: (node) => node.id }).chain((nodes) =>
  fc.record(
    {
      osop_version: fc.oneof({ weight: 8, arbitrary: fc.constant('1.0') }, fc.constantFrom('2.0', 1)),
      id: fc.oneof({ weight: 8, arbitrary: fc.constant('fuzz') }, fc.constantFrom('', '__proto__')),
      name: fc.constant('Fuzz'),
      inputs: INPUTS,
      secrets: fc.constantFrom(undefined, ['K'], 'K'),
      nodes: fc.constant(nodes),
      edges: fc.array(edgeAmong(nodes.map((node) => String(node.id))), { minLength: 1, maxLength: 6 }),
    },
    { requiredKeys: ['osop_version', 'id', 'name', 'nodes', 'edges'] },
  ),
);

const RUNS = 1200;

describe('hostile generated documents', () => {
  it(`go through validate → compile → paths → dry run without a crash (${RUNS} documents)`, async () => {
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(DOCUMENT, async (document) => {
        const text = stringify(document);
        const verdict = validateText(text, 'fuzz.osop.yaml', { check: compileDiagnostics });
        if (!verdict.valid) {
          for (const diagnostic of verdict.diagnostics.filter((d) => d.severity === 'error')) {
            expect(diagnostic.line).toBeGreaterThanOrEqual(1);
            expect(diagnostic.message).not.toBe('');
          }
          return;
        }
        accepted.push(text);
        const { workflow } = loadWorkflowText(text, 'fuzz.osop.yaml');
        expect(() => compileWorkflow(workflow!)).not.toThrow();
        const enumeration = enumeratePaths(workflow!, { max: 20, maxStates: 400 });
        expect(Array.isArray(enumeration.paths)).toBe(true);
        const inputs = Object.fromEntries(workflow!.inputs.map((input) => [input.name, input.default ?? 'x']));
        const run = startRun({
          workflow: workflow!,
          inputs,
          dryRun: true,
          executors: createLocalExecutors({ dryRun: true }),
        });
        let result: Awaited<typeof run.done> | 'hung' = 'hung';
        for (let tick = 0; tick < 200 && result === 'hung'; tick++) {
          for (const node of run.waiting()) run.signal(node, { decision: 'approved' });
          result = await Promise.race([
            run.done,
            new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10)),
          ]);
        }
        if (result === 'hung') run.cancel();
        expect(result === 'hung' ? 'hung' : result.status).not.toBe('hung');
      }),
      { numRuns: RUNS, seed: 13, endOnFailure: true },
    );
    // The generator must reach the later stages, not only the loader's refusals.
    expect(accepted.length).toBeGreaterThan(50);
  }, 120_000);
});
