// Hostile values reaching a cli node (a --input, a POST /api/runs input, a value an API answered) are arguments,
// never shell syntax: no payload runs, and the command sees the value exactly as sent.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiExecutor } from '../../src/adapters/api/executor.ts';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { runWorkflowCommand, type RunFlags } from '../../src/cli/commands/run.ts';
import type { RunEvent } from '../../src/events/run-event.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'sopstate-inject-'));
const trap = join(dir, 'trap');
const flagFile = (n: number) => join(trap, `pwned-${n}`);

/** Seven ways to end an argument and start a command; each would create pwned-N if a shell read it. */
const PAYLOADS = [
  `x; touch ${flagFile(1)}`,
  `$(touch ${flagFile(2)})`,
  `\`touch ${flagFile(3)}\``,
  `x | tee ${flagFile(4)}`,
  `x && touch ${flagFile(5)}`,
  `x\ntouch ${flagFile(6)}`,
  `'; touch ${flagFile(7)}; echo '`,
];

const workflow = (id: string, runtime: string, upstream = '') => `osop_version: "1.0"
id: ${id}
name: ${id}
inputs: [{name: name, type: string, default: x}]
nodes:${upstream}
  - id: greet
    type: cli
    runtime: ${runtime}
${upstream ? 'edges: [{from: fetch, to: greet}]\n' : ''}`;

const WORKFLOWS: Record<string, string> = {
  plain: workflow('plain', '{command: "echo hello ${inputs.name}"}'),
  quoted: workflow('quoted', `{command: "echo 'hello' \\"\${inputs.name}\\""}`),
  shell: workflow('shell', '{shell: true, command: "echo hello ${inputs.name} | cat"}'),
  'shell-quoted': workflow(
    'shell-quoted',
    `{shell: true, command: "echo \\"hello \${inputs.name}\\" && echo 'end \${inputs.name}' >/dev/null"}`,
  ),
  // The shell's own `${GREETING:-hello}` makes it a shell command; the input still reaches it as a quoted parameter.
  'shell-expansion': workflow('shell-expansion', '{command: "echo ${GREETING:-hello} ${inputs.name}"}'),
};

const pwned = () => (existsSync(trap) ? readdirSync(trap) : []);
const folder = join(dir, 'workflows');
let server: RunningServer;

beforeAll(async () => {
  mkdirSync(trap);
  mkdirSync(folder);
  for (const [name, text] of Object.entries(WORKFLOWS)) writeFileSync(join(folder, `${name}.osop.yaml`), text);
  server = await startServer({
    workflowsDir: folder,
    dbFile: join(dir, 'runs.db'),
    port: 0,
    allowCli: true,
    log: () => {},
    runtime: { startRun, load: loadWorkflowFile, createExecutors: () => createLocalExecutors({ allowCli: true }) },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stdoutOf = (events: RunEvent[]) => {
  const done = events.find((event) => event.type === 'node.completed' && event.node === 'greet');
  return done?.type === 'node.completed' ? done.outputs.stdout : undefined;
};

describe('a cli node given hostile values', () => {
  it('takes each --input as one argument: nothing runs, the command prints the value as given', async () => {
    for (const name of Object.keys(WORKFLOWS)) {
      for (const payload of PAYLOADS) {
        const out: string[] = [];
        const flags: RunFlags = {
          input: [`name=${payload}`],
          secret: [],
          approve: [],
          reject: [],
          logDir: dir,
          allowCli: true,
          json: true,
        };
        const code = await runWorkflowCommand(join(folder, `${name}.osop.yaml`), flags, {
          stdout: (text) => out.push(text),
          stderr: () => {},
          env: {},
          cwd: dir,
        });
        const events = out
          .join('')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as RunEvent);
        expect(code, `${name}: ${payload}`).toBe(0);
        expect(stdoutOf(events), `${name}: ${payload}`).toBe(`hello ${payload}`);
      }
    }
    expect(pwned()).toEqual([]);
  });

  it('takes each POST /api/runs input as one argument', async () => {
    for (const name of Object.keys(WORKFLOWS)) {
      for (const payload of PAYLOADS) {
        const response = await fetch(`${server.url}/api/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workflow: name, inputs: { name: payload } }),
        });
        expect(response.status).toBe(201);
        const { runId } = (await response.json()) as { runId: string };
        let run: { status: string; nodes: Record<string, { outputs?: Record<string, unknown> }> } | undefined;
        for (let tries = 0; tries < 200 && (!run || run.status === 'RUNNING'); tries++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as typeof run;
        }
        expect(run?.status, `${name}: ${payload}`).toBe('COMPLETED');
      }
    }
    expect(pwned()).toEqual([]);
  });

  it('takes each value an API answered as one argument', async () => {
    const api: Server = createServer((request, response) => {
      const payload = PAYLOADS[Number(request.url?.split('/').pop())];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: payload }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const port = (api.address() as { port: number }).port;
    try {
      for (const [index, payload] of PAYLOADS.entries()) {
        const upstream = `\n  - {id: fetch, type: api, runtime: {method: GET, url: "http://127.0.0.1:${port}/name/${index}"}, outputs: {name: data.name}}`;
        for (const runtime of [
          '{command: "echo hello ${fetch.name}"}',
          '{shell: true, command: "echo hello ${fetch.name}"}',
        ]) {
          const file = join(dir, 'from-api.osop.yaml');
          writeFileSync(file, workflow('from-api', runtime, upstream));
          const loaded = await loadWorkflowFile(file);
          expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          const executors = { ...createLocalExecutors({ allowCli: true }), api: createApiExecutor() };
          const result = await startRun({ workflow: loaded.workflow!, executors }).done;
          expect(result.status, `${runtime}: ${payload}`).toBe('COMPLETED');
          expect(stdoutOf(result.events)).toBe(`hello ${payload}`);
        }
      }
    } finally {
      api.close();
    }
    expect(pwned()).toEqual([]);
  });
});
