import { describe, expect, it } from 'vitest';
import { deriveOutcomes, type Outcome } from '../../src/paths/outcomes.ts';
import { buildWorkflow } from './build-workflow.ts';

const done = (outcomes: Outcome[] | undefined) =>
  (outcomes ?? []).flatMap((outcome) => (outcome.kind === 'done' ? [outcome.outputs] : []));
const errors = (outcomes: Outcome[] | undefined) =>
  (outcomes ?? []).flatMap((outcome) => (outcome.kind === 'error' ? [outcome.error] : []));

describe('deriveOutcomes', () => {
  it('gives a status check one outcome that matches the literal and one that does not', () => {
    const workflow = buildWorkflow(
      ['check_status', 'send_receipt'],
      [{ from: 'check_status', to: 'send_receipt', mode: 'conditional', when: "check_status.status == 'succeeded'" }],
    );
    const statuses = done(deriveOutcomes(workflow).byNode.get('check_status')).map((outputs) => outputs.status);
    expect(statuses).toHaveLength(2);
    expect(statuses).toContain('succeeded');
    expect(statuses.filter((status) => status !== 'succeeded')).toHaveLength(1);
  });

  it('puts numbers on both sides of a threshold, and doubles stay doubles', () => {
    const workflow = buildWorkflow(
      ['score', 'high', 'low'],
      [
        { from: 'score', to: 'high', mode: 'conditional', when: 'amount > 1000' },
        { from: 'score', to: 'low', mode: 'conditional', when: 'confidence < 0.7' },
      ],
    );
    const outputs = done(deriveOutcomes(workflow).byNode.get('score'));
    const routes = outputs.map((o) =>
      (o.amount as number) > 1000 ? 'high' : (o.confidence as number) < 0.7 ? 'low' : 'end',
    );
    expect(routes.sort()).toEqual(['end', 'high', 'low']);
    expect(outputs.every((o) => typeof o.confidence === 'number' && !Number.isInteger(o.confidence))).toBe(true);
  });

  it('varies a node whose outputs a later node routes on', () => {
    const workflow = buildWorkflow(
      [{ id: 'classify', outputs: [{ name: 'category' }] }, 'route', 'support', 'sales'],
      [
        { from: 'classify', to: 'route' },
        { from: 'route', to: 'support', mode: 'conditional', when: "category == 'support'" },
        { from: 'route', to: 'sales', mode: 'conditional', when: "classify.category == 'sales'" },
      ],
    );
    const categories = done(deriveOutcomes(workflow).byNode.get('classify')).map((o) => o.category);
    expect(categories).toContain('support');
    expect(categories).toContain('sales');
    expect(categories).toHaveLength(3);
  });

  it('keeps one outcome per distinct routing when several values route alike', () => {
    const workflow = buildWorkflow(
      ['triage', 'support', 'sales', 'other'],
      [
        { from: 'triage', to: 'support', mode: 'conditional', when: "category == 'support'" },
        { from: 'triage', to: 'sales', mode: 'conditional', when: "category in ['sales', 'upsell']" },
        { from: 'triage', to: 'other' },
      ],
    );
    const categories = done(deriveOutcomes(workflow).byNode.get('triage')).map((o) => o.category);
    expect(categories).toContain('support');
    expect(categories).toContain('sales');
    expect(categories).not.toContain('upsell');
    expect(categories).toHaveLength(3);
  });

  it('gives a node with no condition on it a single done outcome carrying its declared outputs', () => {
    const workflow = buildWorkflow(
      [{ id: 'create', outputs: [{ name: 'customer_id' }] }, 'next'],
      [{ from: 'create', to: 'next' }],
    );
    const outcomes = deriveOutcomes(workflow).byNode.get('create');
    expect(done(outcomes)).toEqual([{ customer_id: expect.any(String) }]);
    expect(errors(outcomes)).toHaveLength(1);
  });

  it('finds an error text that satisfies an error edge, and a timeout for a timeout edge', () => {
    const workflow = buildWorkflow(
      ['deploy', 'bigger', 'alert', 'rollback'],
      [
        { from: 'deploy', to: 'bigger', mode: 'error', when: "error_of('deploy').contains('OOMKilled')" },
        { from: 'deploy', to: 'alert', mode: 'timeout' },
        { from: 'deploy', to: 'rollback', mode: 'fallback' },
      ],
    );
    const failures = errors(deriveOutcomes(workflow).byNode.get('deploy'));
    expect(failures.some((error) => error.message.includes('OOMKilled'))).toBe(true);
    expect(failures.some((error) => error.kind === 'timeout')).toBe(true);
    expect(failures.some((error) => error.kind === 'error' && !error.message.includes('OOMKilled'))).toBe(true);
  });

  it('uses x-test-cases when the conditions give nothing to work from', () => {
    const workflow = buildWorkflow(
      [
        {
          id: 'review',
          testCases: [{ outputs: { items: ['a', 'b', 'c'] } }, { error: { message: 'reviewer away', code: 'away' } }],
        },
        'merge',
      ],
      [{ from: 'review', to: 'merge', mode: 'conditional', when: 'review.items.exists(i, i == "c")' }],
    );
    const outcomes = deriveOutcomes(workflow).byNode.get('review');
    expect(done(outcomes)).toContainEqual({ items: ['a', 'b', 'c'] });
    expect(errors(outcomes)).toContainEqual({ message: 'reviewer away', code: 'away', kind: 'error' });
  });
});
