// A secret with %, space, &, + and / that Claude streams back in 1-, 3- and 4-character pieces, and that an API
// call carries in its query string, appears nowhere — raw or URL-, form-, JSON- or base64-encoded — in what
// sopstate shows or keeps: CLI --json stdout, the .osoplog, SSE, /api/runs/:id/inspect, the SQLite files.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkflowCommand, type RunFlags } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { createAnthropicEmulator } from '../../src/sandbox/anthropic/app.ts';
import { SANDBOX_ANTHROPIC_KEY } from '../../src/sandbox/keys.ts';
import { serveApp, type ServedApp } from '../../src/sandbox/shared/serve-app.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';

const SECRET = 'pa%ss w&rd+x/y=1';
const TOKEN_LIKE = 'sopstate-own-token-value';
const forms = (value: string) => [
  value,
  encodeURIComponent(value),
  new URLSearchParams({ v: value }).toString().slice(2),
  JSON.stringify(value).slice(1, -1),
  Buffer.from(value).toString('base64'),
];
const FORBIDDEN = [...forms(SECRET), ...forms(TOKEN_LIKE)];

const leaks = (text: string) => FORBIDDEN.filter((form) => text.includes(form));
const joinedDeltas = (events: RunEvent[]) =>
  events.map((event) => (event.type === 'agent.delta' ? event.text : '')).join('');

const dir = mkdtempSync(join(tmpdir(), 'sopstate-mask-'));
const file = join(dir, 'workflows', 'leaky.osop.yaml');
let echo: Server;
let echoUrl = '';

const workflowText = () => `osop_version: "1.0"
id: leaky
name: Leaky
secrets: [PASSPHRASE]
nodes:
  - id: tell
    type: agent
    runtime: {provider: anthropic, model: claude-sonnet-4-6, prompt: "Repeat \${secrets.PASSPHRASE} please"}
  - id: lookup
    type: api
    runtime: {method: GET, url: "${echoUrl}/echo", query_params: {q: "\${secrets.PASSPHRASE}"}}
  - id: show_env
    type: cli
    runtime: {command: "cat ${join(dir, 'token.txt')}"}
edges: [{from: tell, to: lookup}, {from: lookup, to: show_env}]
`;

beforeAll(async () => {
  echo = createServer((request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ url: request.url, query: new URL(request.url!, 'http://x').searchParams.get('q') }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
  mkdirSync(join(dir, 'workflows'));
  // A value sopstate knows is secret, printed by a command of a workflow that never references it.
  writeFileSync(join(dir, 'token.txt'), `token=${TOKEN_LIKE}`);
  writeFileSync(file, workflowText());
});
afterAll(() => {
  echo.close();
  rmSync(dir, { recursive: true, force: true });
});

const withClaude = async <T>(chars: number, use: (claude: ServedApp) => Promise<T>): Promise<T> => {
  const emulator = createAnthropicEmulator({ textChunkChars: chars });
  const claude = await serveApp(emulator.fetch, { hostname: '127.0.0.1' });
  try {
    return await use(claude);
  } finally {
    await claude.close();
  }
};

const envFor = (claude: ServedApp) => ({
  PASSPHRASE: SECRET,
  ANTHROPIC_API_KEY: SANDBOX_ANTHROPIC_KEY,
  ANTHROPIC_BASE_URL: claude.url,
  SOPSTATE_TOKEN: TOKEN_LIKE,
});

describe.each([1, 3, 4])('a secret streamed %i character(s) at a time', (chars) => {
  it('is masked in the CLI --json stdout and the .osoplog', async () => {
    await withClaude(chars, async (claude) => {
      const logDir = join(dir, `logs-${chars}`);
      const out: string[] = [];
      const flags: RunFlags = { input: [], secret: [], approve: [], reject: [], logDir, allowCli: true, json: true };
      const code = await runWorkflowCommand(file, flags, {
        stdout: (text) => out.push(text),
        stderr: () => {},
        env: envFor(claude),
        cwd: dir,
      });
      const stdout = out.join('');
      const events = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RunEvent);
      expect(code, stdout.slice(-500)).toBe(0);
      expect(joinedDeltas(events)).toContain('Repeat [secret PASSPHRASE] please');
      expect(leaks(joinedDeltas(events))).toEqual([]);
      expect(stdout).toContain('token=[secret SOPSTATE_TOKEN]');
      expect(stdout).toContain('[secret PASSPHRASE]');
      expect(leaks(stdout)).toEqual([]);
      const [record] = readdirSync(logDir);
      expect(leaks(readFileSync(join(logDir, record), 'utf8'))).toEqual([]);
    });
  });

  it('is masked in SSE, /api/runs/:id/inspect and the SQLite files', async () => {
    await withClaude(chars, async (claude) => {
      const dbFile = join(dir, `runs-${chars}.db`);
      let runtime: Runtime | undefined;
      let server: RunningServer | undefined;
      try {
        runtime = await createRuntime({ allowCli: true, env: envFor(claude) });
        server = await startServer({
          workflowsDir: join(dir, 'workflows'),
          dbFile,
          port: 0,
          allowCli: true,
          token: TOKEN_LIKE,
          // Every run's inspection records kept (serve --inspect-log): they must be masked too.
          inspectLog: true,
          runtime: runtime.runtime,
          secrets: runtime.secret,
          log: () => {},
        });
        const auth = { authorization: `Bearer ${TOKEN_LIKE}` };
        const started = await fetch(`${server.url}/api/runs`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ workflow: 'leaky' }),
        });
        expect(started.status).toBe(201);
        const { runId } = (await started.json()) as { runId: string };
        const sse = await (await fetch(`${server.url}/api/runs/${runId}/events`, { headers: auth })).text();
        expect(sse).toContain('run.completed');
        const events = sse
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => JSON.parse(line.slice(5)) as RunEvent);
        expect(joinedDeltas(events)).toContain('[secret PASSPHRASE]');
        expect(leaks(joinedDeltas(events))).toEqual([]);
        expect(leaks(sse)).toEqual([]);
        const inspect = await fetch(`${server.url}/api/runs/${runId}/inspect`, {
          headers: auth,
          signal: AbortSignal.timeout(3000),
        });
        const records = await inspect.text().catch(() => '');
        expect(records.length).toBeGreaterThan(0);
        expect(leaks(records)).toEqual([]);
        const run = await (await fetch(`${server.url}/api/runs/${runId}`, { headers: auth })).text();
        expect(leaks(run)).toEqual([]);
        for (const part of [dbFile, `${dbFile}-wal`]) {
          if (!existsSync(part)) continue;
          const bytes = readFileSync(part).toString('latin1');
          expect(leaks(bytes), part).toEqual([]);
        }
      } finally {
        await server?.close();
        await runtime?.close();
      }
      for (const part of [dbFile, `${dbFile}-wal`]) {
        if (existsSync(part)) expect(leaks(readFileSync(part).toString('latin1')), part).toEqual([]);
      }
    });
  });
});
