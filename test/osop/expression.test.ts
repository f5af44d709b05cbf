import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateCondition, ExpressionError } from '../../src/osop/expression.ts';
import type { ExpressionScope } from '../../src/osop/workflow.ts';

const position = { file: 'test.osop.yaml', line: 1, col: 1 };
const nodeIds = ['create_customer', 'check_status', 'review', 'deploy'];

function compile(source: string, sourceNode?: string) {
  return compileExpression(source, position, { nodeIds, sourceNode });
}

function scope(partial: Partial<ExpressionScope> = {}): ExpressionScope {
  return { inputs: {}, outputs: {}, metadata: {}, env: {}, nodes: {}, ...partial };
}

describe('compileExpression', () => {
  it('binds node ids to their outputs, as the seed writes check_status.status', () => {
    const { expression, error } = compile("check_status.status == 'succeeded'");
    expect(error).toBeUndefined();
    expect(expression!.evaluate(scope({ outputs: { check_status: { status: 'succeeded' } } }))).toBe(true);
    expect(expression!.evaluate(scope({ outputs: { check_status: { status: 'processing' } } }))).toBe(false);
  });

  it('reads the outputs namespace the same way', () => {
    const { expression } = compile("outputs.check_status.status == 'succeeded'");
    expect(expression!.evaluate(scope({ outputs: { check_status: { status: 'succeeded' } } }))).toBe(true);
  });

  it('lets JSON integers take part in int arithmetic', () => {
    const doubled = compile('inputs.amount * 2').expression!;
    expect(doubled.evaluate(scope({ inputs: { amount: 2000 } }))).toBe(4000);
    const ratio = compile('inputs.amount > 1000 && inputs.rate < 0.5').expression!;
    expect(ratio.evaluate(scope({ inputs: { amount: 2000, rate: 0.25 } }))).toBe(true);
  });

  it('resolves a bare name against the source node outputs, with a warning', () => {
    const { expression, warnings } = compile('approved == true', 'review');
    expect(warnings.map((w) => w.code)).toEqual(['cel-bare-name']);
    expect(expression!.evaluate(scope({ outputs: { review: { approved: true } } }))).toBe(true);
    expect(expression!.evaluate(scope({ outputs: { review: { approved: false } } }))).toBe(false);
  });

  it('returns lists and maps as plain JS values', () => {
    const { expression } = compile('inputs.items.map(i, i.id)');
    expect(expression!.evaluate(scope({ inputs: { items: [{ id: 'a' }, { id: 'b' }] } }))).toEqual(['a', 'b']);
    const map = compile("{'total': inputs.n + 1}").expression!;
    expect(map.evaluate(scope({ inputs: { n: 1 } }))).toEqual({ total: 2 });
  });

  it('offers status(), error_of(), duration_of() and attempt()', () => {
    const state = scope({
      sourceNode: 'deploy',
      nodes: { deploy: { status: 'FAILED', visits: 1, attempt: 2, error: 'OOMKilled: container', durationMs: 1500 } },
    });
    expect(compile("status('deploy') == 'FAILED'").expression!.evaluate(state)).toBe(true);
    expect(compile("error_of('deploy').contains('OOMKilled')").expression!.evaluate(state)).toBe(true);
    expect(compile("duration_of('deploy') > 1000").expression!.evaluate(state)).toBe(true);
    expect(compile('attempt() == 2').expression!.evaluate(state)).toBe(true);
    expect(compile("now() > timestamp('2020-01-01T00:00:00Z')").expression!.evaluate(state)).toBe(true);
  });

  it('reports a syntax error with its column', () => {
    const { error } = compile('check_status.status == ');
    expect(error?.code).toBe('cel-syntax');
    expect(error?.col).toBeGreaterThan(1);
  });

  it('suggests the all() form for a [*] path', () => {
    const { error } = compile("data.check_runs[*].conclusion == 'success'");
    expect(error?.suggestion).toContain("data.check_runs.all(x, x.conclusion == 'success')");
  });

  it('suggests quoting an unquoted word compared as a value', () => {
    const { error } = compile('result != success', 'deploy');
    expect(error?.code).toBe('cel-unquoted-word');
    expect(error?.suggestion).toContain("'success'");
    expect(error?.col).toBe(11);
    expect(compile('succeeded == check_status.status').error).toMatchObject({ code: 'cel-unquoted-word', col: 1 });
    expect(compile('check_status.status != failed').error).toMatchObject({ code: 'cel-unquoted-word', col: 24 });
    expect(compile('approved == true', 'review').error).toBeUndefined();
  });

  it('suggests the node meant by a misspelled id', () => {
    expect(compile("outputs.check_statu.status == 'x'").error?.suggestion).toBe('did you mean check_status?');
    expect(compile("check_statuss.status == 'x'", 'deploy').error?.suggestion).toBe('did you mean check_status?');
    expect(compile("status('deplyo') == 'FAILED'").error?.suggestion).toBe('did you mean deploy?');
  });

  it('rejects unknown functions and secrets', () => {
    expect(compile('statuss("deploy")').error?.suggestion).toBe('did you mean status?');
    expect(compile("secrets.KEY == 'x'").error?.code).toBe('secret-in-expression');
  });
});

describe('evaluation errors', () => {
  it('throws ExpressionError for a missing field instead of returning false', () => {
    const { expression } = compile("check_status.status == 'succeeded'");
    expect(() => expression!.evaluate(scope())).toThrow(ExpressionError);
  });

  it('names the bare name that has no value', () => {
    const { expression } = compile('approved == true', 'review');
    expect(() => expression!.evaluate(scope({ outputs: { review: {} } }))).toThrow(/approved/);
  });

  it('refuses a non-boolean condition', () => {
    const { expression } = compile('inputs.amount');
    expect(() => evaluateCondition(expression!, scope({ inputs: { amount: 3 } }))).toThrow(/not true or false/);
    expect(evaluateCondition(compile('inputs.amount == 3').expression!, scope({ inputs: { amount: 3 } }))).toBe(true);
  });
});

describe('evaluation bounds', () => {
  const at = { file: 'f.osop.yaml', line: 3, col: 7 };
  const scope = (list: unknown[]) => ({ inputs: { list }, outputs: {}, metadata: {}, env: {}, nodes: {} });
  const compiled = (source: string) => compileExpression(source, at, { nodeIds: [] }).expression!;
  const list = Array.from({ length: 200 }, (_, i) => i);

  it('refuses, before starting, comprehensions nested so deep over a list that they would block the process', () => {
    const triple = compiled('inputs.list.all(x, inputs.list.all(y, inputs.list.exists(z, z == x + y)))');
    expect(() => triple.evaluate(scope(list))).toThrow(
      /nests 3 comprehensions over a list of 200 items .*the limit is 1000000/,
    );
    expect(compiled('inputs.list.all(x, x >= 0)').evaluate(scope(list))).toBe(true);
  });

  it('refuses inputs too large to read', () => {
    expect(() => compiled('size(inputs.list) > 0').evaluate(scope(new Array(150_000).fill(1)))).toThrow(
      'its inputs hold more than 100000 values',
    );
  });

  it("measures only what the expression reads: another node's big output does not refuse it", () => {
    // Before, every condition walked the whole scope: a listing node's 150,000 items failed an unrelated node's
    // condition ("its inputs hold more than 100000 values"), and a big workflow's conditions each walked every output.
    const big = {
      inputs: { limit: 3 },
      outputs: { lister: { items: new Array(150_000).fill(1) }, check: { ok: true } },
    };
    const reads = (source: string) =>
      compileExpression(source, at, { nodeIds: ['lister', 'check'] }).expression!.evaluate({
        ...big,
        metadata: {},
        env: {},
        nodes: {},
      });
    expect(reads('check.ok && inputs.limit == 3')).toBe(true);
    expect(() => reads('size(lister.items) > 0')).toThrow('its inputs hold more than 100000 values');
    expect(() => reads('size(outputs.lister.items) > 0')).toThrow('its inputs hold more than 100000 values');
  });
});
