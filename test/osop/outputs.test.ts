import { describe, expect, it } from 'vitest';
import { compileExtractor, extractOutputs, OutputError } from '../../src/osop/outputs.ts';
import type { OutputSpec } from '../../src/osop/workflow.ts';

const position = { file: 'w.osop.yaml', line: 3, col: 7 };
const envelope = {
  data: { id: 'cus_1', amount: 2000, check_runs: [{ conclusion: 'success' }, { conclusion: 'success' }] },
  status: 200,
  headers: { 'request-id': 'req_1' },
};

function spec(name: string, source: string): OutputSpec {
  const { extract, error } = compileExtractor(source, position, []);
  if (error) throw new Error(error.message);
  return { name, extract };
}

describe('extractOutputs', () => {
  it('evaluates CEL mappings over the response envelope', () => {
    const outputs = extractOutputs(
      [
        spec('customer_id', 'data.id'),
        spec('code', 'status'),
        spec('double', 'data.amount * 2'),
        spec('all_green', "data.check_runs.all(r, r.conclusion == 'success')"),
      ],
      envelope,
    );
    expect(outputs).toEqual({ customer_id: 'cus_1', code: 200, double: 4000, all_green: true });
  });

  it('evaluates $ mappings as JSONPath', () => {
    expect(extractOutputs([spec('id', '$.data.id'), spec('req', "$.headers['request-id']")], envelope)).toEqual({
      id: 'cus_1',
      req: 'req_1',
    });
  });

  it('skips declaration-only outputs', () => {
    expect(extractOutputs([{ name: 'summary' }], envelope)).toEqual({});
  });

  it('fails naming the output when the response lacks the field', () => {
    expect(() => extractOutputs([spec('missing', 'data.nope')], envelope)).toThrow(OutputError);
    expect(() => extractOutputs([spec('missing', '$.data.nope')], envelope)).toThrow(/missing/);
  });
});

describe('compileExtractor', () => {
  it('refuses the [*] form and suggests all()', () => {
    const { error } = compileExtractor("data.check_runs[*].conclusion == 'success'", position, []);
    expect(error?.code).toBe('output-mapping');
    expect(error?.suggestion).toContain("data.check_runs.all(x, x.conclusion == 'success')");
  });
});
