// References to a node's outputs are checked at load against what the node declares (issue 12, point 3).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';

const SEED_FILE = resolve(import.meta.dirname, '../../examples/stripe-payment-seed.osop.yaml');
const SEED = readFileSync(SEED_FILE, 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

const errorsOf = (text: string) =>
  loadWorkflowText(text, 'seed.osop.yaml').diagnostics.filter((d) => d.severity === 'error');

describe('references to outputs a node does not declare', () => {
  it('a typo in a condition is a located error suggesting the declared output', () => {
    const text = SEED.replace("check_status.status == 'succeeded'", "check_status.stauts == 'succeeded'");
    const [error, ...others] = errorsOf(text);
    expect(others).toEqual([]);
    expect(error).toMatchObject({
      code: 'unknown-output',
      line: lineOf(text, 'stauts'),
      suggestion: 'did you mean status?',
    });
    expect(error.col).toBe(text.split('\n')[error.line - 1].indexOf('stauts') + 1);
  });

  it('checks outputs.node.field and switch values the same way', () => {
    const viaOutputs = SEED.replace("check_status.status == 'succeeded'", "outputs.check_status.stauts == 'succeeded'");
    expect(errorsOf(viaOutputs).map((d) => d.code)).toEqual(['unknown-output']);
    const aSwitch = SEED.replace(
      'mode: "conditional"\n    condition: "check_status.status == \'succeeded\'"',
      'mode: "switch"\n    when: "check_status.stauts"\n    cases: [{ value: "succeeded", to: send_receipt }]',
    );
    expect(aSwitch).not.toBe(SEED);
    expect(errorsOf(aSwitch).map((d) => d.code)).toEqual(['unknown-output']);
  });

  it('a ${...} naming an undeclared output is an error, not a warning', () => {
    const text = SEED.replace('${create_customer.customer_id}', '${create_customer.customer_ud}');
    expect(errorsOf(text)).toMatchObject([{ code: 'unknown-output', suggestion: 'did you mean customer_id?' }]);
  });

  it('accepts declared outputs, built-in ones, and any field of a node that declares none', () => {
    expect(errorsOf(SEED)).toEqual([]);
    expect(errorsOf(SEED.replace("check_status.status == 'succeeded'", 'check_status.data.amount > 0'))).toEqual([]);
    expect(errorsOf(SEED.replace("check_status.status == 'succeeded'", "confirm_payment.anything == 'x'"))).toEqual([]);
  });

  it('sopstate validate exits 2 for the typo, naming file:line:col and the suggestion', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sopstate-typo-')), 'seed.osop.yaml');
    writeFileSync(file, SEED.replace("check_status.status == 'succeeded'", "check_status.stauts == 'succeeded'"));
    const result = spawnSync('node', ['--import', 'tsx', 'src/cli/main.ts', 'validate', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(
      new RegExp(`${file}:\\d+:\\d+: error: node check_status declares no output "stauts".*did you mean status\\?`),
    );
  });
});
