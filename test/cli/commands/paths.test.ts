import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sopstate } from '../support/sopstate-cli.ts';

/** Walking every path and running them takes longer than the other commands. */
const sopstateLong = (args: string[]) => sopstate(args, { timeoutMs: 120_000 });

const SEED = resolve(import.meta.dirname, '../../../examples/stripe-payment-seed.osop.yaml');
const COVERAGE_GAP = resolve(import.meta.dirname, '../../fixtures/semantics/coverage-gap.osop.yaml');
const ERROR_EDGE_OUTPUTS = resolve(import.meta.dirname, '../../fixtures/semantics/error-edge-outputs.osop.yaml');
const ERROR_EDGE_DECLINE = resolve(import.meta.dirname, '../../fixtures/semantics/error-edge-decline.osop.yaml');

describe('sopstate paths', () => {
  it('lists the seed paths step by step, with the outcome driving each step', () => {
    const { code, stdout } = sopstateLong(['paths', SEED]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sop-stripe-payment: \d+ paths \(\d+ COMPLETED, \d+ FAILED\)/);
    expect(stdout).toContain(`check_status [status = "succeeded"] ─conditional→ send_receipt`);
    expect(stdout).toContain('confirm_payment [fails: confirm_payment failed (simulated)] ─fallback→ create_intent');
    expect(stdout).toMatch(/FAILED: cycle limit reached at create_intent/);
  });

  it('prints JSON and stops at --max, saying why', () => {
    const { code, stdout } = sopstateLong(['paths', SEED, '--json', '--max', '2']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.paths).toHaveLength(2);
    expect(result.complete).toBe(false);
    expect(result.stoppedBecause).toMatch(/stopped after 2 paths/);
    expect(result.paths[0].steps[0]).toMatchObject({
      node: 'create_customer',
      visit: 1,
      edges: [{ from: 'create_customer', to: 'create_intent', mode: 'sequential' }],
    });
  });

  it('rejects a bad --max and an invalid file with exit 2 and no stack trace', () => {
    const badMax = sopstateLong(['paths', SEED, '--max', '0']);
    expect(badMax.code).toBe(2);
    expect(badMax.stderr).toContain('--max takes a whole number');
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-paths-'));
    const file = join(dir, 'broken.osop.yaml');
    writeFileSync(
      file,
      'osop_version: "1.0"\nid: x\nname: x\nnodes:\n  - id: a\n    type: api\nedges:\n  - from: a\n    to: nowhere\n',
    );
    const invalid = sopstateLong(['paths', file]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/broken\.osop\.yaml:\d+:\d+: error/);
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sopstate test', () => {
  it('passes the seed at model level with 100% edge coverage', () => {
    const { code, stdout } = sopstateLong(['test', SEED]);
    expect(stdout).toContain('edge coverage: 5/5 (100%)');
    expect(stdout).toMatch(/(\d+) paths run: \1 passed, 0 failed/);
    expect(code).toBe(0);
  });

  it('exits 1 and says where a run left its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-test-'));
    const file = join(dir, 'run-dependent.osop.yaml');
    // The route depends on the run id, which differs between the walk and the run: the run must leave the path.
    writeFileSync(
      file,
      'osop_version: "1.0"\nid: rd\nname: rd\nnodes:\n  - { id: a, type: api }\n  - { id: b, type: api }\nedges:\n  - { from: a, to: b, mode: conditional, when: "metadata.run_id == \'paths\'" }\n',
    );
    const { code, stdout } = sopstateLong(['test', file]);
    expect(stdout).toMatch(/✗ path \d+: a → b → COMPLETED\n\s+node b: expected completes; the run did nothing/);
    expect(code).toBe(1);
  });

  it('exits 1 below --min-coverage (100 by default), naming each edge not exercised and why', () => {
    const { code, stdout } = sopstateLong(['test', COVERAGE_GAP]);
    expect(stdout).toMatch(/(\d+) paths run: \1 passed, 0 failed/);
    expect(stdout).toContain('edge coverage: 1/2 (50%)');
    expect(stdout).toContain(
      'not exercised: validate ─error→ report_invalid — its condition "validation_result.success == false" reads validate.validation_result.success, outputs a failed agent node does not have',
    );
    expect(stdout).toContain('edge coverage 50% is below --min-coverage 100%');
    expect(code).toBe(1);
    const lowered = sopstateLong(['test', COVERAGE_GAP, '--min-coverage', '50']);
    expect(lowered.stdout).not.toContain('below --min-coverage');
    expect(lowered.code).toBe(0);
  });

  it('drives error edges that read a failed cli or api node’s outputs: 100% edge coverage', () => {
    const cli = sopstateLong(['test', ERROR_EDGE_OUTPUTS]);
    expect(cli.stdout).toContain('edge coverage: 4/4 (100%)');
    expect(cli.stdout).toMatch(/(\d+) paths run: \1 passed, 0 failed/);
    expect(cli.stdout).toMatch(/✓ path \d+: validate ✗ → repair → COMPLETED/);
    expect(cli.stdout).toMatch(/✓ path \d+: validate ✗ → escalate → COMPLETED/);
    expect(cli.code).toBe(0);
    const api = sopstateLong(['test', ERROR_EDGE_DECLINE]);
    expect(api.stdout).toContain('edge coverage: 5/5 (100%)');
    expect(api.code).toBe(0);
  });

  it('lists the failure with outputs that drives each error edge', () => {
    const { code, stdout } = sopstateLong(['paths', ERROR_EDGE_OUTPUTS]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/validate \[fails with exit_code = 2[^\]]*\] ─error→ escalate/);
    expect(stdout).toMatch(
      /validate \[fails with exit_code = 3, validation_result\.success = false[^\]]*\] ─error→ repair/,
    );
    expect(stdout).toContain('validate [fails: validate failed (simulated)] ─fallback→ report_failure');
  });

  it('refuses a --min-coverage that is not a percentage', () => {
    const { code, stderr } = sopstateLong(['test', COVERAGE_GAP, '--min-coverage', '150']);
    expect(stderr).toContain('--min-coverage takes a percentage from 0 to 100');
    expect(code).not.toBe(0);
  });

  it('drives the seed through the emulators with --sandbox', () => {
    const { code, stdout } = sopstateLong(['test', SEED, '--sandbox', '--json']);
    const report = JSON.parse(stdout);
    expect(report.passed).toBe(true);
    expect(report.undriven).toEqual([]);
    expect(report.checks.map((check: { drivenBy: string }) => check.drivenBy).join('\n')).toContain(
      'pm_card_chargeDeclined',
    );
    expect(report.coverage.percent).toBe(100);
    expect(code).toBe(0);
  });
});
