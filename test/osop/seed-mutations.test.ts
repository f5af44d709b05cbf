import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { Diagnostic } from '../../src/osop/workflow.ts';
import { SEED_FILE } from '../fixtures/corpus-paths.ts';

const FILE = 'ex-sop-stripe-payment.osop.yaml';
const SEED = readFileSync(SEED_FILE, 'utf8');

function mutate(from: string, to: string, occurrence = 0): string {
  const parts = SEED.split(from);
  expect(parts.length, `"${from}" occurs in the seed`).toBeGreaterThan(occurrence + 1);
  return parts.slice(0, occurrence + 1).join(from) + to + parts.slice(occurrence + 1).join(from);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

function only(text: string, code: string): Diagnostic {
  const result = loadWorkflowText(text, FILE);
  expect(result.workflow, 'a mutated seed with an error yields no workflow').toBeUndefined();
  const matches = result.diagnostics.filter((diagnostic) => diagnostic.code === code);
  expect(matches, JSON.stringify(result.diagnostics, null, 2)).toHaveLength(1);
  return matches[0];
}

describe('mutations of the seed are reported where they are, with a useful message', () => {
  it('a misspelled node in ${...} suggests the node', () => {
    const text = mutate('${create_customer.customer_id}', '${create_customr.customer_id}');
    const diagnostic = only(text, 'unknown-reference');
    expect(diagnostic).toMatchObject({
      severity: 'error',
      line: lineOf(text, 'create_customr'),
      path: 'nodes[1].runtime.body.customer',
    });
    expect(diagnostic.col).toBe(text.split('\n')[diagnostic.line - 1].indexOf('${') + 1);
    expect(diagnostic.suggestion).toBe('did you mean create_customer?');
  });

  it('an edge to an unknown node names it and suggests the closest', () => {
    const text = mutate('to: "send_receipt"', 'to: "send_reciept"');
    const diagnostic = only(text, 'unknown-node');
    expect(diagnostic).toMatchObject({
      line: lineOf(text, 'send_reciept'),
      path: 'edges[3].to',
      suggestion: 'did you mean send_receipt?',
    });
    expect(diagnostic.message).toContain('send_reciept');
  });

  it('a duplicate node id points at the second one and names the first line', () => {
    const text = mutate('- id: "check_status"', '- id: "confirm_payment"');
    const diagnostic = only(text, 'duplicate-node');
    expect(diagnostic.line).toBe(text.split('\n').lastIndexOf('  - id: "confirm_payment"') + 1);
    expect(diagnostic.message).toContain(`first at line ${lineOf(text, '- id: "confirm_payment"')}`);
  });

  it('a CEL syntax error in condition is located inside the expression', () => {
    const text = mutate(
      `condition: "check_status.status == 'succeeded'"`,
      `condition: "check_status.status = 'succeeded'"`,
    );
    const diagnostic = only(text, 'cel-syntax');
    const line = text.split('\n')[diagnostic.line - 1];
    expect(diagnostic.line).toBe(lineOf(text, 'condition:'));
    expect(line.slice(diagnostic.col - 1)).toMatch(/^=/);
    expect(diagnostic.path).toBe('edges[3].condition');
  });

  it('when and condition that differ are an error', () => {
    const text = mutate(
      `    condition: "check_status.status == 'succeeded'"`,
      `    condition: "check_status.status == 'succeeded'"\n    when: "check_status.status == 'processing'"`,
    );
    const diagnostic = only(text, 'when-condition-conflict');
    expect(diagnostic.line).toBe(lineOf(text, 'condition:'));
    expect(diagnostic.suggestion).toContain('keep one');
  });

  it('when and condition that agree are accepted', () => {
    const text = mutate(
      `    condition: "check_status.status == 'succeeded'"`,
      `    condition: "check_status.status == 'succeeded'"\n    when: "check_status.status == 'succeeded'"`,
    );
    expect(loadWorkflowText(text, FILE).workflow).toBeDefined();
  });

  it('a [*] output mapping suggests the CEL all() form', () => {
    const text = mutate('- status: "data.status"', `- all_green: "data.check_runs[*].conclusion == 'success'"`);
    const diagnostic = only(text, 'output-mapping');
    expect(diagnostic.line).toBe(lineOf(text, 'all_green'));
    expect(diagnostic.suggestion).toContain("data.check_runs.all(x, x.conclusion == 'success')");
  });

  it('an unquoted word compared as a value suggests quoting it', () => {
    const text = mutate(`check_status.status == 'succeeded'`, 'check_status.status == succeeded');
    const diagnostic = only(text, 'cel-unquoted-word');
    expect(diagnostic.suggestion).toContain("'succeeded'");
    expect(text.split('\n')[diagnostic.line - 1].slice(diagnostic.col - 1)).toMatch(/^succeeded"/);
  });

  it('a node id that shadows a namespace is an error', () => {
    const text = mutate('create_customer', 'inputs').replaceAll('create_customer', 'inputs');
    const result = loadWorkflowText(text.replaceAll('${inputs.customer_id}', '${inputs.customer_id}'), FILE);
    expect(
      result.diagnostics.some((diagnostic) => diagnostic.code === 'reserved-node-id' && diagnostic.line === 7),
    ).toBe(true);
  });

  it('a duplicate YAML key is refused at its line', () => {
    const text = mutate('    mode: "fallback"', '    mode: "fallback"\n    mode: "sequential"');
    const diagnostic = only(text, 'duplicate-key');
    expect(diagnostic.line).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    expect(diagnostic.message).toContain('mode');
  });

  it('{{...}} is a warning and stays literal', () => {
    const text = mutate('"John Doe"', '"{{customer_name}}"');
    const result = loadWorkflowText(text, FILE);
    const warning = result.diagnostics.find((diagnostic) => diagnostic.code === 'mustache-template');
    expect(warning).toMatchObject({ severity: 'warning', line: lineOf(text, '{{customer_name}}') });
    const body = result.workflow!.nodes[0].runtime.body;
    expect(body.kind === 'map' && body.entries.name).toEqual({ kind: 'value', value: '{{customer_name}}' });
  });

  it('unknown keys warn, x- keys are silent', () => {
    const text = mutate('    subtype: "rest"', '    subtype: "rest"\n    colour: blue\n    x-owner: payments', 0);
    const result = loadWorkflowText(text, FILE);
    expect(result.workflow).toBeDefined();
    expect(result.diagnostics.map((diagnostic) => `${diagnostic.code}:${diagnostic.path}`)).toEqual([
      'unknown-key:nodes[0].colour',
    ]);
  });
});
