// Issue 17 through `sopstate run --dry-run`: the dry run follows the happy path (or --path N) with outputs made up
// from the conditions, and says which outputs it made up.
import { describe, expect, it } from 'vitest';
import type { RunFlags } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectValidOsoplog, runCli } from './support/run-cli.ts';

const BRANCHES = 'test/fixtures/semantics/dry-run-branches.osop.yaml';
const SEED = 'examples/stripe-payment-seed.osop.yaml';

const dryRun = (file: string, extra: Partial<RunFlags> = {}) => runCli(file, { dryRun: true, ...extra });

const completed = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'node.completed' ? [event.node] : []));
const edges = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'edge.taken' ? [`${event.from} ─${event.mode}→ ${event.to}`] : []));

describe('sopstate run --dry-run on a workflow without x-sample', () => {
  it('follows the happy path through the conditional and the switch, naming the synthesized outputs', async () => {
    const { code, events, stderr, logDir } = await dryRun(BRANCHES, { json: true });
    expect(code).toBe(0);
    expect(stderr).toContain('dry run follows the happy path (path 1)');
    expect(edges(events)).toEqual([
      'fetch_order ─conditional→ fraud_check',
      'fraud_check ─sequential→ classify',
      'classify ─switch→ ship_eu',
    ]);
    expect(completed(events)).toEqual(['fetch_order', 'fraud_check', 'classify', 'ship_eu']);
    const fetch = events.find((event) => event.type === 'node.completed' && event.node === 'fetch_order');
    // total is compared with 500 by a condition; currency is declared only, so it gets a placeholder.
    expect(fetch).toMatchObject({
      outputs: { total: 501, currency: '<fetch_order.currency>' },
      synthesized: ['total', 'currency'],
    });
    const classify = events.find((event) => event.type === 'node.completed' && event.node === 'classify');
    // confidence is declared {type: number}: a number, though no condition reads it.
    expect(classify).toMatchObject({ outputs: { region: 'eu', confidence: 0 }, synthesized: ['region', 'confidence'] });
    expect(events.some((event) => event.type === 'node.skipped' && /cannot evaluate/.test(event.reason ?? ''))).toBe(
      false,
    );
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const log = await expectValidOsoplog(logDir);
    expect(log.mode).toBe('dry_run');
  });

  it('shows the path and the synthesized outputs in the terminal view', async () => {
    const { code, stdout, stderr } = await dryRun(BRANCHES);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'dry run follows the happy path (path 1): fetch_order → fraud_check → classify → ship_eu → COMPLETED',
    );
    expect(stdout).toMatch(/✔ fetch_order completed in \S+ \{"total":501,.*\(synthesized: total, currency\)/);
    expect(stdout).toMatch(/✔ classify completed .*\(synthesized: region, confidence\)/);
  });

  it('--path N takes the switch default as `sopstate paths` numbers it', async () => {
    const { code, events, logDir } = await dryRun(BRANCHES, { json: true, path: 6 });
    expect(code).toBe(0);
    expect(edges(events)).toContain('classify ─switch→ ship_world');
    expect(completed(events)).toEqual(['fetch_order', 'fraud_check', 'classify', 'ship_world']);
    const classify = events.find((event) => event.type === 'node.completed' && event.node === 'classify');
    expect(classify).toMatchObject({ outputs: { region: '<not eu|us>' } });
    await expectValidOsoplog(logDir);
  });

  it('--path N that makes a node fail fails it, and the fallback runs', async () => {
    const { code, events, stderr, logDir } = await dryRun(BRANCHES, { json: true, path: 2 });
    expect(code).toBe(0);
    expect(stderr).toContain('dry run follows path 2');
    expect(events.find((event) => event.type === 'node.failed')).toMatchObject({
      node: 'ship_eu',
      error: { code: 'simulated_failure' },
    });
    expect(edges(events)).toContain('ship_eu ─fallback→ ship_by_hand');
    expect(completed(events)).toContain('ship_by_hand');
    expect(stderr).not.toContain('left its path');
    await expectValidOsoplog(logDir);
  });

  it('--path N takes the otherwise branch with the input sample it needs', async () => {
    const { code, events } = await dryRun(BRANCHES, { json: true, path: 10 });
    expect(code).toBe(0);
    expect(edges(events)[0]).toBe('fetch_order ─conditional→ classify');
    expect(events.find((event) => event.type === 'node.completed')).toMatchObject({ outputs: { total: 500 } });
  });

  it('refuses a path the workflow does not have, and --path without --dry-run', async () => {
    const missing = await dryRun(BRANCHES, { path: 99 });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--path 99: dry_run_branches has no path 99 (its paths are 1 to 18');
    const live = await dryRun(BRANCHES, { path: 2, dryRun: false });
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('--path 2 only applies to a dry run: add --dry-run');
  });
});

describe('sopstate run --dry-run on the seed', () => {
  it('reaches send_receipt: check_status is given the status its condition wants', async () => {
    const { code, events, logDir } = await dryRun(SEED, { json: true });
    expect(code).toBe(0);
    expect(completed(events)).toEqual([
      'create_customer',
      'create_intent',
      'confirm_payment',
      'check_status',
      'send_receipt',
    ]);
    expect(events.find((event) => event.type === 'node.completed' && event.node === 'check_status')).toMatchObject({
      outputs: { status: 'succeeded' },
      synthesized: ['status'],
    });
    // Nothing was called.
    expect(events.some((event) => event.type === 'node.request')).toBe(false);
    await expectValidOsoplog(logDir);
  });
});

describe('sopstate run --dry-run keeps the x-sample outputs the author wrote', () => {
  it('takes the path the samples route to, and names only what it had to make up', async () => {
    const { code, events, stderr } = await dryRun('test/fixtures/release-train.osop.yaml', {
      json: true,
      autoApprove: true,
    });
    expect(code).toBe(0);
    const plan = events.find((event) => event.type === 'node.completed' && event.node === 'plan');
    // risk: medium is the sample's (the switch's default); the path loops twice, so two of the sample's regions.
    expect(plan).toMatchObject({
      outputs: { risk: 'medium', regions: ['eu-west', 'us-east'] },
      synthesized: ['regions'],
    });
    expect(edges(events)).toContain('review ─switch→ schedule');
    expect(completed(events)).toContain('announce');
    const deploy = events.find((event) => event.type === 'node.completed' && event.node === 'deploy');
    expect(deploy).toMatchObject({ outputs: { healthy: true } });
    expect(deploy).not.toHaveProperty('synthesized');
    expect(stderr).toContain('dry run follows the happy path');
  });
});

describe('sopstate run --dry-run with inputs that route', () => {
  const OTHERWISE = 'test/fixtures/semantics/otherwise-branch.osop.yaml';

  it('finds the happy path with the inputs given', async () => {
    const { code, events, stderr } = await dryRun(OTHERWISE, { json: true, input: ['amount=50'] });
    expect(code).toBe(0);
    expect(stderr).toContain('dry run follows the happy path (path 1): triage → auto_approve → COMPLETED');
    expect(events[0]).toMatchObject({ type: 'run.started', inputs: { amount: 50 } });
    expect(completed(events)).toEqual(['triage', 'auto_approve']);
    expect(stderr).not.toContain('left its path');
  });

  it('ends, and says so, when the inputs take the run off --path N', async () => {
    const { code, events, stderr } = await dryRun(OTHERWISE, { json: true, input: ['amount=5000'], path: 1 });
    expect(code).toBe(0);
    expect(completed(events)).toEqual(['triage', 'finance_review']);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(stderr).toContain('sopstate: note: the dry run left its path (');
  });
});
