// Issue 17 through `sopstate run`: a for_each edge runs its two-node body once per item, then the rejoin node once.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runWorkflowCommand, type RunFlags } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { schemaValidator } from '../../src/osop/schema-verdict.ts';

const FOR_EACH = 'test/fixtures/semantics/for-each-body.osop.yaml';
const FOR_EACH_PARALLEL = 'test/fixtures/semantics/for-each-parallel.osop.yaml';
const RECIPIENTS = ['ada', 'grace', 'alan', 'edsger', 'barbara'];

async function runCli(file: string, extra: Partial<RunFlags>) {
  const out: string[] = [];
  const err: string[] = [];
  const logDir = await mkdtemp(join(tmpdir(), 'run-for-each-'));
  const flags: RunFlags = { input: [], secret: [], approve: [], reject: [], logDir, allowCli: true, ...extra };
  const code = await runWorkflowCommand(file, flags, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    cwd: logDir,
  });
  const stdout = out.join('');
  const events = flags.json
    ? stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RunEvent)
    : [];
  return { code, stdout, stderr: err.join(''), events, logDir };
}

async function expectValidOsoplog(logDir: string): Promise<Record<string, unknown>> {
  const files = (await readdir(logDir)).filter((name) => name.endsWith('.osoplog.yaml'));
  expect(files).toHaveLength(1);
  const log = parse(await readFile(join(logDir, files[0]), 'utf8')) as Record<string, unknown>;
  const validate = schemaValidator('osoplog');
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return log;
}

/** What each completed run of `node` printed, in order. */
const printed = (events: RunEvent[], node: string) =>
  events.flatMap((event) => (event.type === 'node.completed' && event.node === node ? [event.outputs.stdout] : []));

describe('sopstate run: a for_each body of two nodes', () => {
  it('runs render and send_email once per recipient, each with its item, then report once', async () => {
    const { code, events, logDir } = await runCli(FOR_EACH, { json: true });
    expect(code).toBe(0);
    expect(printed(events, 'render')).toEqual(RECIPIENTS.map((name, index) => `rendered ${name} ${index}`));
    expect(printed(events, 'send_email')).toEqual(RECIPIENTS.map((name, index) => `sent ${name} ${index}`));
    expect(printed(events, 'report')).toEqual(['report: all sent']);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<{ node_id: string; status: string }>;
    expect(records.map((record) => record.node_id)).toEqual([
      'load',
      ...RECIPIENTS.flatMap(() => ['render', 'send_email']),
      'report',
    ]);
    expect(records.every((record) => record.status === 'COMPLETED')).toBe(true);
  });

  it('with an empty list goes from load straight to report', async () => {
    const { code, stdout } = await runCli(FOR_EACH, { input: ['recipients=[]'] });
    expect(code).toBe(0);
    expect(stdout).toContain('→ load → report (sequential)');
    expect(stdout).not.toContain('render [cli] started');
  });
});

describe('sopstate run: a for_each edge asking for parallel items', () => {
  it('warns where parallel and max_concurrency are written, and runs the items one after another', async () => {
    const { code, stdout, stderr, logDir } = await runCli(FOR_EACH_PARALLEL, {});
    expect(stderr).toMatch(
      /for-each-parallel\.osop\.yaml:18:\d+: warning: parallel and max_concurrency are ignored: the items of a for_each run one after another/,
    );
    expect(code).toBe(0);
    const commands = stdout.split('\n').flatMap((line) => (/\$ echo (rendered|sent) /.test(line) ? [line.trim()] : []));
    expect(commands).toEqual(
      RECIPIENTS.flatMap((name, index) => [`$ echo rendered ${name} ${index}`, `$ echo sent ${name} ${index}`]),
    );
    const log = await expectValidOsoplog(logDir);
    expect((log.node_records as unknown[]).length).toBe(12);
  });
});
