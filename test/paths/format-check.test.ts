// `sopstate test` lines: a path that fails by design is marked as an expected failure, with the reason.
import { describe, expect, it } from 'vitest';
import { formatCheck } from '../../src/paths/format-report.ts';
import type { PathCheck } from '../../src/paths/check-run.ts';
import type { WorkflowPath } from '../../src/paths/path.ts';
import type { Outcome } from '../../src/paths/outcomes.ts';

const path = (status: WorkflowPath['status'], error?: string): WorkflowPath => {
  const outcome: Outcome =
    status === 'COMPLETED'
      ? { kind: 'done', label: 'ok', outputs: {}, assigned: [] }
      : {
          kind: 'error',
          label: 'fails',
          error: { message: 'x', code: 'x' } as Extract<Outcome, { kind: 'error' }>['error'],
        };
  return {
    id: 2,
    status,
    inputs: {},
    ...(error ? { error } : {}),
    steps: [{ node: 'charge', visit: 1, outcome, edges: [] }],
  };
};

const check = (workflowPath: WorkflowPath, passed = true): PathCheck => ({
  path: workflowPath,
  passed,
  problems: passed ? [] : ['ended COMPLETED'],
  edges: [],
});

describe('formatCheck', () => {
  it('marks a passing path that ends FAILED as an expected failure and says why', () => {
    const text = formatCheck(check(path('FAILED', 'charge failed (simulated)')));
    expect(text).toMatch(/^✓ expected failure, path 2: charge ✗ → FAILED/);
    expect(text).toContain('fails by design: charge failed (simulated)');
  });

  it('leaves a completed path plain, and a path that left its course marked ✗', () => {
    expect(formatCheck(check(path('COMPLETED')))).toBe('✓ path 2: charge → COMPLETED');
    expect(formatCheck(check(path('FAILED', 'x'), false))).toMatch(/^✗ path 2/);
  });
});
