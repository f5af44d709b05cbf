import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  resolveTemplate,
  templateReferences,
  TemplateError,
  type TemplateValues,
} from '../../src/osop/template.ts';

const values: TemplateValues = {
  inputs: { amount: 2000, email: 'a@example.com', items: [{ id: 'x' }] },
  outputs: { create_customer: { customer_id: 'cus_123' }, create_intent: { intent_id: 'pi_9' } },
  secrets: { STRIPE_SECRET_KEY: 'sk_test_abc' },
  env: { REGION: 'eu' },
  metadata: { run_id: 'run_1' },
  loop: { item: 'first' },
};

describe('parseTemplate', () => {
  it("reads the seed's ${node.field} as an outputs reference", () => {
    expect(parseTemplate('${create_customer.customer_id}')).toEqual({
      kind: 'ref',
      ref: { namespace: 'outputs', path: ['create_customer', 'customer_id'], source: 'create_customer.customer_id' },
    });
  });

  it('keeps every namespace apart', () => {
    const template = parseTemplate({
      a: '${inputs.amount}',
      b: '${outputs.create_intent.intent_id}',
      c: '${secrets.STRIPE_SECRET_KEY}',
      d: '${env.REGION}',
      e: '${metadata.run_id}',
      f: '${loop.item}',
    });
    expect(templateReferences(template).map((ref) => ref.namespace)).toEqual([
      'inputs',
      'outputs',
      'secrets',
      'env',
      'metadata',
      'loop',
    ]);
  });

  it('leaves {{...}} and plain text alone', () => {
    expect(parseTemplate('Hello {{name}}')).toEqual({ kind: 'value', value: 'Hello {{name}}' });
    expect(parseTemplate(42)).toEqual({ kind: 'value', value: 42 });
  });

  it('reports a ${...} that is not a reference', () => {
    const problems: string[] = [];
    parseTemplate('x ${not valid} y', { report: (problem) => problems.push(problem.source) });
    expect(problems).toEqual(['not valid']);
  });
});

describe('resolveTemplate', () => {
  it('keeps the type of a whole-string reference', () => {
    expect(resolveTemplate(parseTemplate('${inputs.amount}'), values)).toBe(2000);
    expect(resolveTemplate(parseTemplate('${inputs.items[0].id}'), values)).toBe('x');
  });

  it('renders embedded references as text', () => {
    const url = parseTemplate('/v1/payment_intents/${create_intent.intent_id}/confirm?n=${inputs.amount}');
    expect(resolveTemplate(url, values)).toBe('/v1/payment_intents/pi_9/confirm?n=2000');
    expect(resolveTemplate(parseTemplate('Bearer ${secrets.STRIPE_SECRET_KEY}'), values)).toBe('Bearer sk_test_abc');
  });

  it('resolves nested maps and lists', () => {
    const body = parseTemplate({
      customer: '${create_customer.customer_id}',
      tags: ['${env.REGION}', 'fixed'],
      amount: 5,
    });
    expect(resolveTemplate(body, values)).toEqual({ customer: 'cus_123', tags: ['eu', 'fixed'], amount: 5 });
  });

  it('names the reference that cannot be resolved', () => {
    expect(() => resolveTemplate(parseTemplate('${check_status.status}'), values)).toThrow(
      /check_status has no outputs yet/,
    );
    expect(() => resolveTemplate(parseTemplate('${inputs.missing}'), values)).toThrow(TemplateError);
    expect(() => resolveTemplate(parseTemplate('${secrets.OTHER}'), values)).toThrow(/secret OTHER is not set/);
  });
});
