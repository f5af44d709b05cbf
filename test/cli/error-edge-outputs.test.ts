// Issue 17 through `sopstate run`: a failed node keeps its outputs, so an error edge whose `when` reads them is taken
// (a command's JSON stdout and exit code; Stripe's decline in an error answer), and the .osoplog records them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunFlags } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectValidOsoplog, runCli } from './support/run-cli.ts';

const CLI_FAILURE = 'test/fixtures/semantics/error-edge-outputs.osop.yaml';
const DECLINE = 'test/fixtures/semantics/error-edge-decline.osop.yaml';

const runJson = (file: string, extra: Partial<RunFlags> = {}) => runCli(file, { json: true, ...extra });

const taken = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'edge.taken' ? [`${event.from} ─${event.mode}→ ${event.to}`] : []));
const failedEvent = (events: RunEvent[], node: string) =>
  events.find(
    (event): event is Extract<RunEvent, { type: 'node.failed' }> => event.type === 'node.failed' && event.node === node,
  );
const recordOf = (log: Record<string, unknown>, node: string) =>
  (log.node_records as Array<Record<string, unknown>>).find((record) => record.node_id === node);

describe('sopstate run: an error edge reads what the failed command printed', () => {
  it('takes the repair edge after validate prints success: false and exits 1', async () => {
    const { code, events, logDir } = await runJson(CLI_FAILURE);
    expect(code).toBe(0);
    expect(taken(events)).toEqual(['validate ─error→ repair']);
    const failed = failedEvent(events, 'validate');
    expect(failed?.error).toMatchObject({ code: 'exit_1' });
    expect(failed?.outputs).toEqual({
      validation_result: { success: false, errors: ['title missing'] },
      stdout: '{"validation_result":{"success":false,"errors":["title missing"]}}',
      stderr: 'draft is invalid',
      exit_code: 1,
    });
    // A later node reads the failed node's outputs too.
    const repaired = events.find((event) => event.type === 'node.completed' && event.node === 'repair');
    expect(repaired).toMatchObject({ outputs: { stdout: 'repairing, because draft is invalid' } });
    expect(events.find((event) => event.type === 'node.skipped' && event.node === 'escalate')).toMatchObject({
      reason: 'error edge validate → escalate not taken: condition "validate.exit_code == 2" was false',
    });
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const log = await expectValidOsoplog(logDir);
    expect(recordOf(log, 'validate')).toMatchObject({
      status: 'FAILED',
      error: 'validate: command exited with code 1: draft is invalid',
      outputs: { validation_result: { success: false }, exit_code: 1, stderr: 'draft is invalid' },
    });
  });

  it('prints what the failed node kept next to its error', async () => {
    const { code, stdout } = await runJson(CLI_FAILURE, { json: false });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /✖ validate failed after \S+: validate: command exited with code 1: draft is invalid \(exit_1\) \{"validation_result":\{"success":false/,
    );
    expect(stdout).toContain('→ validate → repair (error: validation_result.success == false)');
  });
});

describe("sopstate run: error edges read Stripe's decline", () => {
  it('tells insufficient funds from another decline by data.error.decline_code', async () => {
    const insufficient = await runJson(DECLINE, { input: ['card=pm_card_chargeDeclinedInsufficientFunds'] });
    expect(insufficient.code).toBe(0);
    expect(taken(insufficient.events)).toEqual([
      'create_intent ─sequential→ confirm',
      'confirm ─error→ ask_for_another_card',
    ]);
    expect(failedEvent(insufficient.events, 'confirm')?.outputs).toMatchObject({
      status: 402,
      data: { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } },
    });
    await expectValidOsoplog(insufficient.logDir);

    const generic = await runJson(DECLINE, { input: ['card=pm_card_chargeDeclined'] });
    expect(generic.code).toBe(0);
    expect(taken(generic.events)).toContain('confirm ─error→ record_decline');
    expect(
      generic.events.find((event) => event.type === 'node.completed' && event.node === 'record_decline'),
    ).toMatchObject({ outputs: { stdout: 'declined: generic_decline' } });
    const log = await expectValidOsoplog(generic.logDir);
    expect(recordOf(log, 'confirm')).toMatchObject({
      status: 'FAILED',
      outputs: { status: 402, data: { error: { decline_code: 'generic_decline' } } },
    });
  });

  it('masks the secrets in an error answer as in a success answer', async () => {
    const { events, logDir } = await runJson(DECLINE, { input: ['card=pm_card_chargeDeclinedInsufficientFunds'] });
    const outputs = failedEvent(events, 'confirm')?.outputs as {
      data: { error: { payment_intent: { client_secret: string } } };
    };
    expect(outputs.data.error.payment_intent.client_secret).toBe(
      '[secret confirm.data.error.payment_intent.client_secret]',
    );
    const text = await readFile(
      join(
        logDir,
        (await readdir(logDir)).find((name) => name.endsWith('.osoplog.yaml'))!,
      ),
      'utf8',
    );
    expect(text).not.toMatch(/pi_\w+_secret_\w+/);
  });
});
