// Issue 17 through `sopstate run`: an approval gate on an api node prompts like a human node; wait_n and wait_any
// survive a failed branch.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectValidOsoplog, runCli } from './support/run-cli.ts';

const GATED = 'test/fixtures/semantics/approval-gate-api.osop.yaml';
const WAIT_N = 'test/fixtures/semantics/wait-n.osop.yaml';
const WAIT_ANY = 'test/fixtures/semantics/wait-any.osop.yaml';
const RISKY = 'test/fixtures/semantics/security-risk-gate.osop.yaml';
const KEYED = 'test/fixtures/semantics/idempotency-template.osop.yaml';
const BUDGET = 'test/fixtures/semantics/cost-budget.osop.yaml';

const types = (events: RunEvent[]) =>
  events.map((event) =>
    'node' in event && typeof event.node === 'string' ? `${event.type} ${event.node}` : event.type,
  );

describe('sopstate run: approval_gate on an api node', () => {
  it('waits for --approve before the Stripe call, then makes it', async () => {
    const { code, events, logDir } = await runCli(GATED, { json: true, approve: ['create_customer'] });
    expect(code).toBe(0);
    const seen = types(events);
    expect(seen.indexOf('human.waiting create_customer')).toBeGreaterThan(-1);
    const request = events.findIndex((event) => event.type === 'node.request');
    expect(request).toBeGreaterThan(seen.indexOf('human.waiting create_customer'));
    expect(seen).toContain('node.completed welcome');
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    await expectValidOsoplog(logDir);
  });

  it('asks at a terminal as for a human node; a no skips the call and takes the fallback', async () => {
    const questions: string[] = [];
    const { code, stdout, logDir } = await runCli(
      GATED,
      {},
      { ask: async (question) => (questions.push(question), 'n') },
    );
    expect(questions).toEqual(['Approve create_customer? [y/N] ']);
    expect(code).toBe(0);
    expect(stdout).toContain('→ create_customer → record_refusal (fallback)');
    expect(stdout).not.toContain('create_customer completed');
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'create_customer')).toMatchObject({ status: 'FAILED' });
  });
});

describe('sopstate run: wait_n with one failed branch of three', () => {
  it('completes: two branches succeeded, which is what join_count asks for', async () => {
    const { code, events, logDir } = await runCli(WAIT_N, { json: true });
    expect(code).toBe(0);
    expect(types(events)).toEqual(expect.arrayContaining(['node.failed mirror_us', 'node.completed publish']));
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    await expectValidOsoplog(logDir);
  });
});

describe('sopstate run: wait_any whose first branch to finish failed', () => {
  it('completes with the branch that arrived after it, and stops the third', async () => {
    const { code, events, logDir } = await runCli(WAIT_ANY, { json: true });
    expect(code).toBe(0);
    expect(types(events)).toEqual(
      expect.arrayContaining(['node.failed mirror_eu', 'node.completed mirror_us', 'node.skipped mirror_ap']),
    );
    expect(types(events)).toContain('node.completed publish');
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    await expectValidOsoplog(logDir);
  });
});

describe('sopstate run: security asks for approval', () => {
  it('waits at the high-risk node and at the one holding a listed permission, not at the one that opts out', async () => {
    const { code, events, logDir } = await runCli(RISKY, { json: true, approve: ['create_customer', 'refund_all'] });
    expect(code).toBe(0);
    const waiting = events.filter((event) => event.type === 'human.waiting');
    expect(waiting.map((event) => event.node)).toEqual(['create_customer', 'refund_all']);
    expect(waiting[0]).toMatchObject({
      prompt:
        'Approve POST /v1/customers before it runs (permission customers.write, listed in security.approval_required_for)',
      details: { approval_gate: { reason: expect.stringContaining('customers.write') } },
    });
    expect(waiting[1]).toMatchObject({
      prompt: 'Approve Refund every open charge before it runs (risk_level high)',
      details: { approval_gate: { risk_level: 'high', reason: 'its security asks for approval: risk_level high' } },
    });
    const seen = types(events);
    expect(seen.indexOf('node.started export_audit')).toBeGreaterThan(seen.indexOf('node.completed refund_all'));
    expect(seen).toContain('node.completed export_audit');
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    await expectValidOsoplog(logDir);
  });

  it('asks at a terminal; a no at the high-risk node fails the run before it runs', async () => {
    const questions: string[] = [];
    const { code, stdout, logDir } = await runCli(
      RISKY,
      {},
      { ask: async (question) => (questions.push(question), question.includes('refund_all') ? 'n' : 'y') },
    );
    expect(questions).toEqual(['Approve create_customer? [y/N] ', 'Approve refund_all? [y/N] ']);
    expect(code).toBe(1);
    expect(stdout).not.toContain('refunded');
    const log = await expectValidOsoplog(logDir);
    expect(log.status).toBe('FAILED');
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'refund_all')).toMatchObject({ status: 'FAILED' });
    expect(records.find((record) => record.node_id === 'export_audit')).toMatchObject({ status: 'SKIPPED' });
  });
});

describe('sopstate run: idempotency.key is the Idempotency-Key', () => {
  it('sends the resolved key on both visits, and Stripe answers the second with the first answer', async () => {
    const { code, events, logDir } = await runCli(KEYED, { json: true, input: ['order_id=order-77'] });
    expect(code).toBe(0);
    const requests = events.filter((event) => event.type === 'node.request' && event.node === 'create_customer');
    expect(requests.map((event) => (event.type === 'node.request' ? event.headers?.['Idempotency-Key'] : ''))).toEqual([
      'customer-order-77',
      'customer-order-77',
    ]);
    const responses = events.filter((event) => event.type === 'node.response' && event.node === 'create_customer');
    expect(responses.map((event) => event.type === 'node.response' && event.replayed === true)).toEqual([false, true]);
    const ids = events.flatMap((event) =>
      event.type === 'node.completed' && event.node === 'create_customer'
        ? [(event.outputs as { customer_id?: string }).customer_id]
        : [],
    );
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^cus_/);
    expect(ids[1]).toBe(ids[0]);
    await expectValidOsoplog(logDir);
  });
});

/** The budget fixture with one piece replaced, written where a run can read it. */
async function budgetVariant(...pairs: Array<[string, string]>): Promise<string> {
  let text = await readFile(BUDGET, 'utf8');
  for (const [from, to] of pairs) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const file = join(await mkdtemp(join(tmpdir(), 'run-budget-')), 'cost-budget.osop.yaml');
  await writeFile(file, text);
  return file;
}

describe('sopstate run: cost budgets', () => {
  it('ends COST_LIMIT once the nodes spent more tokens than the workflow allows, before the next node', async () => {
    const { code, stdout, logDir } = await runCli(BUDGET, {});
    expect(code).toBe(1);
    expect(stdout).toContain('✖ COST_LIMIT');
    expect(stdout).toContain('stopped over budget: the run spent 110 tokens, over max_tokens 60');
    expect(stdout).toContain('nodes: 2 completed, 0 failed, 1 skipped');
    const log = await expectValidOsoplog(logDir);
    expect(log.status).toBe('COST_LIMIT');
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.map((record) => [record.node_id, record.status])).toEqual([
      ['outline', 'COMPLETED'],
      ['draft', 'COMPLETED'],
      ['polish', 'SKIPPED'],
    ]);
    // claude-haiku-4-5 at $1 / $5 per million tokens: outline 15 in, 23 out; draft 32 in, 40 out.
    expect(log.cost).toMatchObject({
      total_tokens: 110,
      breakdown: [
        { node_id: 'outline', tokens: 38, cost_usd: expect.closeTo(0.00013, 9) },
        { node_id: 'draft', tokens: 72, cost_usd: expect.closeTo(0.000232, 9) },
      ],
    });
    expect(log.cost).toMatchObject({ total_usd: expect.closeTo(0.000362, 9) });
  });

  it('counts dollars from the model’s price: a max_usd below the first step’s spend stops after it', async () => {
    const file = await budgetVariant(['  max_usd: 5', '  max_usd: 0.0001']);
    const { code, events, logDir } = await runCli(file, { json: true });
    expect(code).toBe(1);
    expect(events.at(-1)).toMatchObject({
      type: 'run.failed',
      status: 'COST_LIMIT',
      error: { code: 'cost_limit', message: expect.stringContaining('$0.0001, over max_usd $0.0001') },
    });
    expect(types(events)).not.toContain('node.started draft');
    expect((await expectValidOsoplog(logDir)).status).toBe('COST_LIMIT');
  });

  it('fails a node that spent more than its own cost.max_tokens, its tokens still counted', async () => {
    const file = await budgetVariant(
      ['  max_tokens: 60', '  max_tokens: 1000'],
      ['    name: Draft the note\n', '    name: Draft the note\n    cost: { max_tokens: 40 }\n'],
    );
    const { code, events, logDir } = await runCli(file, { json: true });
    expect(code).toBe(1);
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'draft',
      error: { code: 'cost_limit', message: 'draft spent 72 tokens, over max_tokens 40 (its cost budget)' },
      ai: { prompt_tokens: 32, completion_tokens: 40 },
    });
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', status: 'FAILED' });
    const log = await expectValidOsoplog(logDir);
    const draft = (log.node_records as Array<Record<string, unknown>>).find((record) => record.node_id === 'draft');
    expect(draft).toMatchObject({ status: 'FAILED', ai_metadata: { prompt_tokens: 32 } });
  });

  it('fails a node whose visit cost more dollars than its own cost.max_usd, at the model’s price', async () => {
    const file = await budgetVariant(
      ['  max_tokens: 60', '  max_tokens: 1000'],
      ['    name: Draft the note\n', '    name: Draft the note\n    cost: { max_usd: 0.0001 }\n'],
    );
    const { code, events } = await runCli(file, { json: true });
    expect(code).toBe(1);
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'draft',
      error: { code: 'cost_limit', message: 'draft spent $0.0002, over max_usd $0.0001 (its cost budget)' },
    });
    expect(types(events)).not.toContain('node.started polish');
  });

  it('ends COST_LIMIT when the failed node’s tokens take the run over the workflow’s budget', async () => {
    const file = await budgetVariant([
      '    name: Draft the note\n',
      '    name: Draft the note\n    cost: { max_tokens: 40 }\n',
    ]);
    const { code, events } = await runCli(file, { json: true });
    expect(code).toBe(1);
    expect(events.at(-1)).toMatchObject({
      type: 'run.failed',
      status: 'COST_LIMIT',
      error: { message: expect.stringContaining('110 tokens, over max_tokens 60') },
    });
  });
});
