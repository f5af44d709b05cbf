// The same typed-in workflow inputs through every way of starting a run — `sopstate run --input`, POST /api/runs,
// the chat's start_run and the page's form in Chromium — are accepted or refused alike, and the run sees the same values.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkflowCommand } from '../../src/cli/commands/run.ts';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { chatModule } from '../../src/server/chat/chat-module.ts';
import { chatMigrations } from '../../src/server/chat/chat-store.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { webModule } from '../../src/server/web/web-routes.ts';
import { ofType, openChat } from '../chat/support/collect.ts';
import { scriptedModel, type ScriptedReply } from '../chat/support/scripted-model.ts';
import { launchBrowser } from '../web/support/browser.ts';

const WORKFLOW = `osop_version: "1.0"
id: typed-inputs
name: Typed inputs
inputs:
  - { name: who, type: string, required: true }
  - { name: count, type: int, required: false }
  - { name: ratio, type: number, required: false }
  - { name: live, type: boolean, required: false }
  - { name: plan, type: string, required: false, enum: [free, pro] }
  - { name: meta, type: object, required: false }
  - { name: tags, type: array, required: false }
  - { name: note, type: string, default: none }
  - { name: size, type: int, default: 3 }
nodes:
  - { id: look, type: api, name: Look, runtime: { method: GET, url: "https://example.invalid/look" } }
`;

/** What a run gets when nothing but `who` is typed: the defaults. */
const DEFAULTS = { who: 'ann', note: 'none', size: 3 };

type Outcome = { accepted: Record<string, unknown> } | { refused: string };

interface Row {
  name: string;
  /** What the person types, input → text. */
  typed: Record<string, string>;
  /** The inputs the run gets, all of them. */
  accepted?: Record<string, unknown>;
  /** A phrase every surface's refusal contains. */
  refused?: string;
}

const ROWS: Row[] = [
  { name: 'int "5"', typed: { who: 'ann', count: '5' }, accepted: { ...DEFAULTS, count: 5 } },
  { name: 'int "abc"', typed: { who: 'ann', count: 'abc' }, refused: 'count is declared int; give a whole number' },
  { name: 'int "2.5"', typed: { who: 'ann', count: '2.5' }, refused: 'count is declared int; give a whole number' },
  { name: 'number "2.5"', typed: { who: 'ann', ratio: '2.5' }, accepted: { ...DEFAULTS, ratio: 2.5 } },
  { name: 'boolean "true"', typed: { who: 'ann', live: 'true' }, accepted: { ...DEFAULTS, live: true } },
  {
    name: 'boolean "yes"',
    typed: { who: 'ann', live: 'yes' },
    refused: 'live is declared boolean; give true or false',
  },
  { name: 'enum "pro"', typed: { who: 'ann', plan: 'pro' }, accepted: { ...DEFAULTS, plan: 'pro' } },
  {
    name: 'enum "gold"',
    typed: { who: 'ann', plan: 'gold' },
    refused: 'plan is declared string; give one of free, pro',
  },
  {
    name: 'object as JSON text',
    typed: { who: 'ann', meta: '{"tier":"gold","seats":2}' },
    accepted: { ...DEFAULTS, meta: { tier: 'gold', seats: 2 } },
  },
  {
    name: 'object, not JSON',
    typed: { who: 'ann', meta: '{tier: gold' },
    refused: 'meta is declared object; give a JSON object',
  },
  { name: 'array as JSON text', typed: { who: 'ann', tags: '["a","b"]' }, accepted: { ...DEFAULTS, tags: ['a', 'b'] } },
  { name: 'array, not JSON', typed: { who: 'ann', tags: 'a,b' }, refused: 'tags is declared array; give a JSON array' },
  { name: 'missing, with defaults', typed: { who: 'ann' }, accepted: DEFAULTS },
  { name: 'a default overridden', typed: { who: 'ann', size: '7' }, accepted: { ...DEFAULTS, size: 7 } },
  { name: 'missing required', typed: { count: '5' }, refused: 'missing required input who' },
];

let dir: string;
let file: string;
let server: RunningServer;
let browser: Browser;
/** What the scripted model puts in its next start_run call. */
let nextInputs: Record<string, unknown> = {};

const isToolResult = (request: MessageCreateParams): boolean => {
  const content = request.messages.at(-1)?.content;
  return Array.isArray(content) && content.some((block) => block.type === 'tool_result');
};
const modelStep = (request: MessageCreateParams): ScriptedReply =>
  isToolResult(request)
    ? { text: 'Done.' }
    : { tools: [{ name: 'start_run', input: { workflow: 'typed-inputs', inputs: nextInputs } }] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'input-surfaces-'));
  await writeFile(join(dir, 'typed-inputs.osop.yaml'), WORKFLOW);
  file = join(dir, 'typed-inputs.osop.yaml');
  const model = scriptedModel(Array.from({ length: 200 }, () => modelStep));
  [server, browser] = await Promise.all([
    startServer({
      workflowsDir: dir,
      dbFile: join(dir, 'runs.db'),
      logDir: join(dir, 'logs'),
      port: 0,
      migrations: chatMigrations,
      log: () => {},
      runtime: { startRun, load: loadWorkflowFile, createExecutors: () => createLocalExecutors({ dryRun: true }) },
      routes: [webModule(), chatModule({ anthropic: model.client })],
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

/** The inputs of a run the server started, once it has ended. */
const runInputs = async (runId: string): Promise<Record<string, unknown>> => {
  for (;;) {
    const run = (await (await api(`/api/runs/${runId}`)).json()) as { status: string; inputs: Record<string, unknown> };
    if (run.status !== 'RUNNING') {
      expect(run.status).toBe('COMPLETED');
      return run.inputs;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const runCount = async (): Promise<number> => ((await (await api('/api/runs')).json()) as { total: number }).total;

const flags = (typed: Record<string, string>) => Object.entries(typed).map(([name, text]) => `${name}=${text}`);

const viaCli = async (typed: Record<string, string>): Promise<Outcome> => {
  let stdout = '';
  let stderr = '';
  const code = await runWorkflowCommand(
    file,
    { input: flags(typed), secret: [], approve: [], reject: [], dryRun: true, json: true, logDir: join(dir, 'logs') },
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {}, cwd: dir },
  );
  if (code === 2) return { refused: stderr };
  expect(code, stderr).toBe(0);
  return { accepted: (JSON.parse(stdout.split('\n')[0]) as Extract<RunEvent, { type: 'run.started' }>).inputs };
};

const exec = promisify(execFile);
/** The real command line, in its own process. */
const viaCliProcess = async (typed: Record<string, string>): Promise<Outcome> => {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'run', file, '--dry-run', '--json', '--log-dir', dir];
  const result = await exec(process.execPath, [...args, ...flags(typed).flatMap((flag) => ['--input', flag])]).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );
  if (result.code === 2) return { refused: result.stderr };
  expect(result.code, result.stderr).toBe(0);
  return { accepted: (JSON.parse(result.stdout.split('\n')[0]) as Extract<RunEvent, { type: 'run.started' }>).inputs };
};

const post = async (body: unknown): Promise<Outcome> => {
  const response = await api('/api/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { runId?: string; error?: { message: string } };
  if (response.status === 400) return { refused: answer.error?.message ?? '' };
  expect(response.status).toBe(201);
  return { accepted: await runInputs(answer.runId!) };
};
const viaHttp = (typed: Record<string, string>) => post({ workflow: 'typed-inputs', inputText: typed });

const viaChat = async (inputs: Record<string, unknown>): Promise<Outcome> => {
  nextInputs = inputs;
  const chat = openChat(server.url);
  const asked = await chat.say('start typed-inputs with what I typed');
  const [result] = ofType(asked, 'tool.result');
  if (result.isError) return { refused: result.summary };
  expect(ofType(asked, 'confirm.required')).toHaveLength(1);
  const [started] = ofType(await chat.confirm(), 'run.started');
  return { accepted: await runInputs(started.runId) };
};

const viaPage = async (typed: Record<string, string>): Promise<Outcome> => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${server.url}/workflows/typed-inputs`);
    await page.waitForSelector('#inputs input[name="who"]');
    for (const [name, text] of Object.entries(typed)) await page.fill(`#inputs input[name="${name}"]`, text);
    await page.click('#run-button');
    await page.waitForFunction(
      () => !document.querySelector<HTMLElement>('#error')!.hidden || location.pathname.startsWith('/runs/'),
    );
    const path = new URL(page.url()).pathname;
    if (!path.startsWith('/runs/')) return { refused: (await page.textContent('#error')) ?? '' };
    return { accepted: await runInputs(decodeURIComponent(path.split('/')[2])) };
  } finally {
    await page.close();
    expect(errors).toEqual([]);
  }
};

const expectOutcome = (outcome: Outcome, row: Row, surface: string) => {
  if (row.accepted) expect(outcome, surface).toEqual({ accepted: row.accepted });
  else expect('refused' in outcome && outcome.refused, surface).toContain(row.refused);
};

describe('typed-in inputs, on every surface', () => {
  it('the page renders its form from the JSON Schema GET /api/workflows/:id serves', async () => {
    const workflow = (await (await api('/api/workflows/typed-inputs')).json()) as {
      inputSchema: { properties: Record<string, { type?: string; default?: unknown; enum?: unknown[] }> };
    };
    expect(workflow.inputSchema).toMatchObject({
      type: 'object',
      required: ['who'],
      additionalProperties: false,
      properties: {
        count: { type: 'integer' },
        ratio: { type: 'number' },
        live: { type: 'boolean' },
        plan: { type: 'string', enum: ['free', 'pro'] },
        meta: { type: 'object' },
        tags: { type: 'array' },
        size: { type: 'integer', default: 3 },
      },
    });
  });

  it.each(ROWS.map((row) => [row.name, row] as const))(
    '%s: the CLI, POST /api/runs inputText, the chat and the page form agree',
    async (_, row) => {
      const before = await runCount();
      const outcomes: Record<string, Outcome> = {
        cli: await viaCli(row.typed),
        http: await viaHttp(row.typed),
        chat: await viaChat(row.typed),
        page: await viaPage(row.typed),
      };
      for (const [surface, outcome] of Object.entries(outcomes)) expectOutcome(outcome, row, surface);
      expect(await runCount()).toBe(before + (row.accepted ? 3 : 0));
    },
  );

  it.each(ROWS.filter((row) => ['int "5"', 'int "abc"', 'object as JSON text'].includes(row.name)))(
    'the command line in its own process agrees: $name',
    async (row) => {
      expectOutcome(await viaCliProcess(row.typed), row, 'sopstate run');
    },
  );
});

describe('typed JSON values', () => {
  // A JSON body (and a value the model sends typed) must already have its type: "5" is text, not a number.
  const JSON_ROWS: Array<{ inputs: Record<string, unknown>; accepted?: Record<string, unknown>; refused?: string }> = [
    { inputs: { who: 'ann', count: 5 }, accepted: { ...DEFAULTS, count: 5 } },
    { inputs: { who: 'ann', count: 2.5 }, refused: 'count is declared int; give a whole number' },
    { inputs: { who: 'ann', live: 1 }, refused: 'live is declared boolean; give true or false' },
    { inputs: { who: 'ann', meta: { tier: 'gold' } }, accepted: { ...DEFAULTS, meta: { tier: 'gold' } } },
    { inputs: { who: 'ann', meta: ['gold'] }, refused: 'meta is declared object; give a JSON object' },
    { inputs: { who: 'ann', tags: ['a'] }, accepted: { ...DEFAULTS, tags: ['a'] } },
  ];

  it.each(JSON_ROWS.map((row) => [JSON.stringify(row.inputs), row] as const))(
    '%s: POST /api/runs inputs and the chat agree',
    async (_, row) => {
      const asRow = { name: '', typed: {}, ...row };
      expectOutcome(await post({ workflow: 'typed-inputs', inputs: row.inputs }), asRow, 'http');
      expectOutcome(await viaChat(row.inputs), asRow, 'chat');
    },
  );

  it('POST /api/runs refuses "5" for an int in inputs, and takes it in inputText', async () => {
    const refused = await post({ workflow: 'typed-inputs', inputs: { who: 'ann', count: '5' } });
    expect(refused).toEqual({ refused: expect.stringContaining('count is declared int; give a whole number') });
    expect(await post({ workflow: 'typed-inputs', inputText: { who: 'ann', count: '5' } })).toEqual({
      accepted: { ...DEFAULTS, count: 5 },
    });
  });
});
