// The one input check's own rules, beyond what every surface shares (test/server/input-surfaces.test.ts).
import { describe, expect, it } from 'vitest';
import { checkInputs, inputSchema } from '../../src/osop/input-schema.ts';
import type { InputSpec } from '../../src/osop/workflow.ts';

const workflow = (...inputs: InputSpec[]) => ({ inputs });
const optional = (name: string, type?: string, more: Partial<InputSpec> = {}): InputSpec => ({
  name,
  required: false,
  ...(type ? { type } : {}),
  ...more,
});

describe('the input schema', () => {
  it('maps the type names workflows use to JSON Schema types, and leaves any and unknown names open', () => {
    const schema = inputSchema(
      workflow(
        optional('a', 'int'),
        optional('b', 'Float'),
        optional('c', 'bool'),
        optional('d', 'map'),
        optional('e', 'list'),
        optional('f', 'any'),
        optional('g', 'email'),
        optional('h', undefined, { enum: [1, 2.5] }),
        optional('i', undefined, { enum: ['x', 'y'] }),
      ),
    );
    expect(
      Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, property.type])),
    ).toEqual({
      a: 'integer',
      b: 'number',
      c: 'boolean',
      d: 'object',
      e: 'array',
      f: undefined,
      g: undefined,
      h: 'number',
      i: 'string',
    });
  });

  it('requires only inputs with no default, and refuses unknown names only once some are declared', () => {
    const schema = inputSchema(
      workflow({ name: 'a', required: true }, { name: 'b', required: true, default: 1 }, optional('c')),
    );
    expect(schema).toMatchObject({ required: ['a'], additionalProperties: false });
    expect(inputSchema(workflow()).additionalProperties).toBe(true);
    expect(checkInputs(workflow(), { json: { anything: [1] }, text: { more: '5' } })).toEqual({
      ok: true,
      values: { anything: [1], more: '5' },
    });
  });
});

describe('checkInputs', () => {
  it('counts a blank text as not given, so the default applies, and lets text win over a typed value', () => {
    const spec = workflow(optional('size', 'int', { default: 3 }));
    expect(checkInputs(spec, { text: { size: '  ' } })).toEqual({ ok: true, values: { size: 3 } });
    expect(checkInputs(spec, { json: { size: 1 }, text: { size: '7' } })).toEqual({ ok: true, values: { size: 7 } });
    expect(checkInputs(spec, { json: { size: 1 }, text: { size: '' } })).toEqual({ ok: true, values: { size: 1 } });
  });

  it('types text for an untyped input with values by the values: "2" for enum [1, 2] is 2', () => {
    const spec = workflow(optional('level', undefined, { enum: [1, 2] }));
    expect(checkInputs(spec, { text: { level: '2' } })).toEqual({ ok: true, values: { level: 2 } });
    expect(checkInputs(spec, { text: { level: '3' } })).toMatchObject({
      ok: false,
      problems: [{ code: 'input-type', input: 'level', expected: 'one of 1, 2', given: '3' }],
    });
  });

  it('names the input, what it takes, what was given and what to do', () => {
    const checked = checkInputs(workflow(optional('amount', 'integer', { default: 2000 })), {
      text: { amount: '12.5' },
    });
    expect(checked).toEqual({
      ok: false,
      problems: [
        {
          code: 'input-type',
          input: 'amount',
          declared: 'integer',
          expected: 'a whole number',
          given: '12.5',
          example: '2000',
          message: 'amount is declared integer; give a whole number (got "12.5")',
          fix: 'give a whole number, e.g. 2000',
        },
      ],
    });
  });

  it('keeps an input named __proto__ as an input, not as the prototype of the values', () => {
    const checked = checkInputs(workflow(), {
      json: JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>,
    });
    expect(checked.ok && Object.keys(checked.values)).toEqual(['__proto__']);
    expect(checked.ok && (checked.values as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('checks an input named __proto__ like any other: required when missing, typed when given, defaulted', () => {
    const own = (json: string) => JSON.parse(json) as Record<string, string>;
    expect(checkInputs(workflow(optional('__proto__', 'int', { required: true })), {})).toMatchObject({
      ok: false,
      problems: [{ code: 'missing-input', input: '__proto__' }],
    });
    expect(checkInputs(workflow(optional('__proto__', 'int')), { text: own('{"__proto__": "5"}') })).toEqual({
      ok: true,
      values: own('{"__proto__": 5}'),
    });
    expect(checkInputs(workflow(optional('__proto__', 'string', { default: 'x' })), {})).toEqual({
      ok: true,
      values: own('{"__proto__": "x"}'),
    });
  });

  it('describes a value nested too deep to print instead of failing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkInputs(workflow(optional('n', 'int')), { json: { n: deep } })).toMatchObject({
      ok: false,
      problems: [
        { input: 'n', message: 'n is declared int; give a whole number (got a value nested too deep to show)' },
      ],
    });
  });
});
