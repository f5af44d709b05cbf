import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunEvent } from '../../src/events/run-event.ts';
import { schemaValidator } from '../../src/osop/schema-verdict.ts';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/cli/main.ts', 'run'];
const NO_KEYS = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(STRIPE_|ANTHROPIC_)/.test(name)),
) as NodeJS.ProcessEnv;

async function sopstateRun(args: string[], env: NodeJS.ProcessEnv = NO_KEYS) {
  const logDir = await mkdtemp(join(tmpdir(), 'run-sandbox-'));
  const result = await run(process.execPath, [...CLI, ...args, '--log-dir', logDir], { env }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );
  const events = args.includes('--json')
    ? result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RunEvent)
    : [];
  return { ...result, events, logDir };
}

async function osoplogOf(logDir: string): Promise<Record<string, unknown>> {
  const [file] = await readdir(logDir);
  return parse(await readFile(join(logDir, file), 'utf8')) as Record<string, unknown>;
}

describe('sopstate run with no keys: the seed against the sandbox emulators', () => {
  it('completes with four Stripe calls and one streamed Claude receipt, and writes a valid .osoplog', async () => {
    const { code, stderr, events, logDir } = await sopstateRun(['examples/stripe-payment-seed.osop.yaml', '--json']);
    expect(stderr).toContain('sandbox: Stripe and Claude emulated locally');
    expect(code).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const requests = events.filter((event) => event.type === 'node.request');
    expect(
      requests.map(
        (event) =>
          event.type === 'node.request' &&
          `${event.method} ${new URL(event.url).pathname.replace(/(pi|cus)_\w+/, '{id}')}`,
      ),
    ).toEqual([
      'POST /v1/customers',
      'POST /v1/payment_intents',
      'POST /v1/payment_intents/{id}/confirm',
      'GET /v1/payment_intents/{id}',
      'POST /v1/messages',
    ]);
    const receipt = events.flatMap((event) => (event.type === 'agent.delta' ? [event.text] : [])).join('');
    // Streamed: the text arrives before the agent node completes (a burst of chunks comes as one delta).
    const completedAt = events.findIndex((event) => event.type === 'node.completed' && event.node === 'send_receipt');
    const deltaAt = events.map((event, index) => (event.type === 'agent.delta' ? index : -1)).filter((at) => at >= 0);
    expect(deltaAt.length).toBeGreaterThan(0);
    expect(Math.max(...deltaAt)).toBeLessThan(completedAt);
    expect(receipt).toContain('$20.00');
    expect(receipt).toContain('user@example.com');

    const log = await osoplogOf(logDir);
    const validate = schemaValidator('osoplog');
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const agentRecord = (log.node_records as Array<Record<string, unknown>>).find(
      (record) => record.node_id === 'send_receipt',
    );
    expect(agentRecord?.ai_metadata).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-6' });
  });

  it('shows the run live in the terminal, the receipt streamed inline', async () => {
    const { code, stdout } = await sopstateRun(['examples/stripe-payment-seed.osop.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/create_customer completed in .*customer_id/);
    expect(stdout).toContain("→ check_status → send_receipt (conditional: check_status.status == 'succeeded')");
    expect(stdout).toContain('Amount: $20.00 USD');
    expect(stdout).toMatch(/✔ COMPLETED in/);
  });

  it('a declined card falls back to new intents until the cycle bound, then fails naming card_declined', async () => {
    const { code, events } = await sopstateRun([
      'examples/stripe-payment.osop.yaml',
      '--json',
      '--input',
      'payment_method=pm_card_chargeDeclined',
    ]);
    expect(code).toBe(1);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'run.failed', status: 'FAILED' });
    expect(last?.type === 'run.failed' && last.error.message).toContain('card_declined');
    expect(
      events.filter((event) => event.type === 'edge.taken' && event.mode === 'fallback').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('a secret key given as a canary never shows when Stripe is unreachable', async () => {
    const canary = 'sk_test_CANARY_4f9e2b7d1c';
    const { code, stdout, stderr, logDir } = await sopstateRun(['examples/stripe-payment-seed.osop.yaml', '--json'], {
      ...NO_KEYS,
      STRIPE_SECRET_KEY: canary,
      STRIPE_API_BASE: 'http://127.0.0.1:9',
    });
    expect(code).toBe(1);
    const log = await readFile(join(logDir, (await readdir(logDir))[0]), 'utf8');
    for (const text of [stdout, stderr, log]) expect(text).not.toContain('CANARY');
    expect(stdout).toContain('network_error');
  });
});

describe('the records of a sandbox run', () => {
  it('name the emulated services and never show the client_secret Stripe returns', async () => {
    const terminal = await sopstateRun(['examples/stripe-payment-seed.osop.yaml']);
    const json = await sopstateRun(['examples/stripe-payment-seed.osop.yaml', '--json']);
    expect(json.code).toBe(0);
    const intent = json.events.find((event) => event.type === 'node.completed' && event.node === 'create_intent');
    expect(intent).toMatchObject({ outputs: { client_secret: '[secret create_intent.client_secret]' } });
    for (const { stdout, logDir } of [terminal, json]) {
      const osoplog = await osoplogOf(logDir);
      expect(osoplog).toMatchObject({ runtime: { emulated_services: ['stripe', 'anthropic'] } });
      expect(`${stdout}${JSON.stringify(osoplog)}`).not.toMatch(/pi_\w+_secret_\w+/);
    }
  });
});
