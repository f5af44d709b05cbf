import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runWorkflowCommand, type RunFlags, type RunIO } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';

const CORPUS = 'test/fixtures/corpus';
const SEED = 'examples/stripe-payment-seed.osop.yaml';

async function workflowFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.osop(\.ya?ml|\.json)?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const flags = (extra: Partial<RunFlags> = {}): RunFlags => ({
  input: [],
  secret: [],
  approve: [],
  reject: [],
  logDir: '',
  ...extra,
});

async function runCli(file: string, extra: Partial<RunFlags>, io: Partial<RunIO> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const logDir = extra.logDir ?? (await mkdtemp(join(tmpdir(), 'run-cli-')));
  const code = await runWorkflowCommand(file, flags({ ...extra, logDir }), {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    cwd: logDir,
    ...io,
  });
  const stdout = out.join('');
  return { code, stdout, stderr: err.join(''), logDir };
}

const eventsOf = (stdout: string): RunEvent[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent);

describe('sopstate run --dry-run --auto-approve --json', async () => {
  const files = [...new Set([SEED, ...(await workflowFiles(CORPUS)), ...(await workflowFiles('examples'))])];
  const valid: string[] = [];
  for (const file of files) if ((await loadWorkflowFile(file)).workflow) valid.push(file);

  it('finds the seed and the valid corpus files', () => {
    expect(valid).toContain(SEED);
    expect(valid.length).toBeGreaterThan(12);
  });

  it.each(valid.map((file) => [relative('..', file), file]))(
    '%s runs to a final event with gapless seq, every route an edge.taken',
    async (_, file) => {
      const { code, stdout } = await runCli(file, { dryRun: true, autoApprove: true, json: true });
      const events = eventsOf(stdout);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      expect(['run.completed', 'run.failed']).toContain(events.at(-1)?.type);
      expect(code).toBe(events.at(-1)?.type === 'run.completed' ? 0 : 1);
      const { workflow } = await loadWorkflowFile(file);
      const reachedBy = new Set(events.flatMap((event) => (event.type === 'edge.taken' ? [event.to] : [])));
      for (const event of events) {
        if (event.type === 'node.started' && !workflow!.start.includes(event.node))
          expect(reachedBy, `${event.node} started without an edge.taken`).toContain(event.node);
      }
    },
  );

  it('reports an invalid document with its location and exits 2 before anything runs', async () => {
    const invalid = files.filter((file) => !valid.includes(file));
    expect(invalid.length).toBeGreaterThan(0);
    for (const file of invalid) {
      const { code, stdout, stderr } = await runCli(file, { dryRun: true, json: true });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `));
    }
  });
});

describe('sopstate run', () => {
  it('exits 2 naming a missing required input, before the first node runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-input-'));
    const file = join(dir, 'refund.osop.yaml');
    await writeFile(
      file,
      `osop_version: "1.0"\nid: refund\nname: Refund\ninputs:\n  - { name: charge_id, type: string, required: true }\nnodes:\n  - { id: refund, type: api, name: Refund }\n`,
    );
    const { code, stdout, stderr } = await runCli(file, { dryRun: true });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('missing required input charge_id: pass --input charge_id=<value>');
  });

  it('gives --input values their declared type', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-typed-'));
    const file = join(dir, 'charge.osop.yaml');
    await writeFile(
      file,
      `osop_version: "1.0"\nid: charge\nname: Charge\ninputs:\n  - { name: amount, type: number, required: true }\n  - { name: note, type: string }\nnodes:\n  - { id: charge, type: api, name: Charge }\n`,
    );
    const { code, stdout } = await runCli(file, { dryRun: true, json: true, input: ['amount=2000', 'note=a=b'] });
    expect(code).toBe(0);
    expect(eventsOf(stdout)[0]).toMatchObject({ type: 'run.started', inputs: { amount: 2000, note: 'a=b' } });
  });

  it('exits 2 for an --input value that is not of the declared type, before anything runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-mistyped-'));
    const file = join(dir, 'charge.osop.yaml');
    await writeFile(
      file,
      `osop_version: "1.0"\nid: charge\nname: Charge\ninputs:\n  - { name: amount, type: integer, default: 2000 }\n  - { name: live, type: boolean }\n  - { name: tags, type: array }\nnodes:\n  - { id: charge, type: api, name: Charge }\n`,
    );
    const cases: Array<[string, string]> = [
      ['amount=abc', '--input amount=abc: amount is declared integer; give a whole number, e.g. --input amount=2000'],
      ['amount=12.5', '--input amount=12.5: amount is declared integer; give a whole number'],
      ['live=yes', '--input live=yes: live is declared boolean; give true or false'],
      ['tags=[1,', '--input tags=[1,: tags is declared array; give a JSON array'],
    ];
    for (const [input, message] of cases) {
      const { code, stdout, stderr } = await runCli(file, { dryRun: true, input: [input] });
      expect(code, input).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(message);
    }
    const fine = await runCli(file, { dryRun: true, json: true, input: ['amount=-5', 'live=false', 'tags=["a"]'] });
    expect(fine.code).toBe(0);
    expect(eventsOf(fine.stdout)[0]).toMatchObject({ inputs: { amount: -5, live: false, tags: ['a'] } });
  });

  it('exits 2 when --approve and --reject name the same node', async () => {
    const { code, stdout, stderr } = await runCli(`${CORPUS}/osop-fixtures/valid_complex.osop`, {
      dryRun: true,
      approve: ['review'],
      reject: ['review'],
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--approve review and --reject review contradict each other');
  });

  it('exits 2 when a node id clashes with a run state, saying what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-clash-'));
    const file = join(dir, 'clash.osop.yaml');
    await writeFile(
      file,
      `osop_version: "1.0"\nid: clash\nname: Clash\nnodes:\n  - { id: COMPLETED, type: api, name: Done }\n`,
    );
    const { code, stderr } = await runCli(file, { dryRun: true });
    expect(code).toBe(2);
    expect(stderr).toMatch(/node id COMPLETED .* is reserved for a run state: rename the node/);
  });

  it('exits 1 when a command fails, showing the failure and the .osoplog path', async () => {
    const { code, stdout, logDir } = await runCli(`${CORPUS}/osop-fixtures/cli_chain_with_failure.osop.yaml`, {
      allowCli: true,
    });
    expect(code).toBe(1);
    expect(stdout).toContain('✔ step-a completed in');
    expect(stdout).toMatch(/✖ step-b failed after .*: step-b: command exited with code 1/);
    expect(stdout).toContain('○ step-c skipped');
    expect(stdout).toContain(`log: ${logDir}`);
  });

  it('refuses cli nodes unless --allow-cli is given', async () => {
    const { code, stdout } = await runCli(`${CORPUS}/osop-fixtures/cli_chain.osop.yaml`, {});
    expect(code).toBe(1);
    expect(stdout).toContain('may run shell commands only when allowed: pass --allow-cli');
  });

  it('approves and rejects human nodes as told, and asks at a terminal', async () => {
    const complex = `${CORPUS}/osop-fixtures/valid_complex.osop`;
    const approved = await runCli(complex, { dryRun: true, approve: ['review'] });
    expect(approved.stdout).toContain('→ review → execute (conditional: approved == true)');
    const rejected = await runCli(complex, { dryRun: true, reject: ['review'] });
    expect(rejected.stdout).toContain('✖ review failed');
    expect(rejected.stdout).toContain('→ review → plan (fallback)');
    const questions: string[] = [];
    const asked = await runCli(complex, { dryRun: true }, { ask: async (question) => (questions.push(question), 'y') });
    expect(questions).toEqual(['Approve review? [y/N] ']);
    expect(asked.code).toBe(0);
  });

  it('cancels the run, without a stack trace, when the person leaves the approval prompt with Ctrl+C or Ctrl+D', async () => {
    const complex = `${CORPUS}/osop-fixtures/valid_complex.osop`;
    const abort = async () => Promise.reject(Object.assign(new Error('Aborted with Ctrl+D'), { name: 'AbortError' }));
    const { code, stdout, stderr } = await runCli(complex, { dryRun: true }, { ask: abort });
    expect(code).toBe(1);
    expect(stdout).toMatch(/✖ CANCELLED in .*: run cancelled/);
    expect(stdout).not.toContain('→ review →');
    expect(stderr).not.toMatch(/AbortError|\n\s+at /);
  });

  it('exits 2 for an --approve naming no node, suggesting the right one', async () => {
    const { code, stderr } = await runCli(`${CORPUS}/osop-fixtures/valid_complex.osop`, {
      dryRun: true,
      approve: ['reveiw'],
    });
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean review?');
  });
});

describe('a canary secret passed with --secret', () => {
  it('appears nowhere in stdout, the --json events or the .osoplog', async () => {
    const canary = 'sk_test_CANARY_51Hx9Q';
    const dir = await mkdtemp(join(tmpdir(), 'canary-'));
    const file = join(dir, 'leak.osop.yaml');
    await writeFile(
      file,
      `osop_version: "1.0"
id: leak
name: Leak
nodes:
  - id: echo_key
    type: cli
    name: Echo the key
    runtime: { shell: true, command: "echo key=\${secrets.API_KEY}; echo \${secrets.API_KEY} >&2; exit 3" }
  - id: report
    type: cli
    name: Report
    runtime: { command: "echo reported" }
edges:
  - { from: echo_key, to: report, mode: fallback }
`,
    );
    const cli = (...args: string[]) =>
      promisify(execFile)(
        'npx',
        [
          'tsx',
          'src/cli/main.ts',
          'run',
          file,
          '--allow-cli',
          '--secret',
          `API_KEY=${canary}`,
          '--log-dir',
          dir,
          ...args,
        ],
        { env: { ...process.env, API_KEY: '' } },
      ).catch((failure) => failure as { stdout: string; stderr: string; code: number });
    const [json, human] = await Promise.all([cli('--json'), cli()]);
    expect(json.stdout).toContain('"type":"node.failed"');
    expect(json.stdout).toContain('[secret API_KEY]');
    expect(human.stdout).toContain('✔ report completed');
    for (const text of [json.stdout, json.stderr, human.stdout, human.stderr]) expect(text).not.toContain(canary);
    const logs = (await readdir(dir)).filter((name) => name.endsWith('.osoplog.yaml'));
    expect(logs).toHaveLength(2);
    for (const log of logs) {
      const text = await readFile(join(dir, log), 'utf8');
      expect(text).toContain('echo_key');
      expect(text).not.toContain(canary);
    }
  });
});

describe('an agent whose provider sopstate has no client for', () => {
  const RAG = 'test/fixtures/corpus/osop-examples/ai-agent/rag-pipeline.osop.yaml';

  it('is refused before the first node runs, naming the node and where it is', async () => {
    const { code, stdout, stderr } = await runCli(RAG, { json: true });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /rag-pipeline\.osop\.yaml:\d+:\d+: error: node embed_chunks: agent provider "openai" has no client/,
    );
    expect(stderr).toContain('--dry-run');
  });

  it('still walks in a dry run', async () => {
    const { code, stdout } = await runCli(RAG, { json: true, dryRun: true, autoApprove: true });
    expect(code).toBe(0);
    expect(eventsOf(stdout).at(-1)?.type).toBe('run.completed');
  });
});
