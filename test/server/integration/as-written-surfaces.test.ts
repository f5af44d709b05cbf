// Issue 17: the forms of the spec sopstate used to reject or misread, through both surfaces a user has. Each valid
// fixture dry-runs to COMPLETED through `sopstate run` and POST /api/runs (no condition skipped as "cannot evaluate",
// a valid .osoplog); each invalid one is refused by both with the same located errors the loader gives.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runWorkflowCommand, type RunFlags } from '../../../src/cli/commands/run.ts';
import type { RunEvent } from '../../../src/events/run-event.ts';
import type { Diagnostic } from '../../../src/osop/workflow.ts';
import { loadWorkflowText } from '../../../src/osop/load.ts';
import { schemaValidator } from '../../../src/osop/schema-verdict.ts';
import { streamRun } from '../support/sse-client.ts';
import { startRealServer, type RealServer } from './real-server.ts';

const SEMANTICS = join(import.meta.dirname, '../../fixtures/semantics');
const VALID = [
  'declared-output-root',
  'output-name-compared',
  'outputs-schema-map',
  'shell-parameter-expansion',
  'data-only-edges',
  'recorded-not-enforced',
];
const INVALID = ['non-cel-syntax', 'loop-without-when'];

const fixture = (name: string) => join(SEMANTICS, `${name}.osop.yaml`);
const loaded = (name: string) => loadWorkflowText(readFileSync(fixture(name), 'utf8'), fixture(name));
const located = (diagnostics: readonly Diagnostic[]) =>
  diagnostics
    .filter((diagnostic) => diagnostic.severity === 'error')
    .map((diagnostic) => `${diagnostic.line}:${diagnostic.col} ${diagnostic.code}`)
    .sort();
const cannotEvaluate = (events: RunEvent[]) =>
  events.filter((event) => event.type === 'node.skipped' && /cannot|no value/.test(event.reason ?? ''));

function expectValidOsoplog(text: string): Record<string, unknown> {
  const log = parse(text) as Record<string, unknown>;
  const validate = schemaValidator('osoplog');
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return log;
}

let server: RealServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-as-written-'));
  for (const name of [...VALID, ...INVALID]) copyFileSync(fixture(name), join(dir, `${name}.osop.yaml`));
  server = await startRealServer({ workflowsDir: dir, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Follows a run over SSE to its end, approving every node that waits for a person on the way. */
async function followApproving(runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (;;) {
    const part = await streamRun(server.url, runId, {
      lastEventId: events.at(-1)?.seq,
      stopWhen: (event) => event.type === 'human.waiting',
    });
    events.push(...part.events);
    const last = events.at(-1);
    if (last?.type !== 'human.waiting') return events;
    const signal = await server.post(`/api/runs/${runId}/signal`, { node: last.node, decision: 'approved' });
    expect(signal.status).toBeLessThan(300);
  }
}

describe('forms of the spec once rejected, now run as written', () => {
  for (const name of VALID) {
    it(`${name}: sopstate run --dry-run completes with every condition evaluated, and a valid .osoplog`, async () => {
      const logDir = mkdtempSync(join(tmpdir(), 'sopstate-as-written-cli-'));
      try {
        const out: string[] = [];
        const flags: RunFlags = {
          input: [],
          secret: [],
          approve: [],
          reject: [],
          dryRun: true,
          autoApprove: true,
          allowCli: true,
          json: true,
          logDir,
        };
        const code = await runWorkflowCommand(fixture(name), flags, {
          stdout: (text) => out.push(text),
          stderr: () => {},
          env: {},
          cwd: logDir,
        });
        const events = out
          .join('')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as RunEvent);
        expect(code).toBe(0);
        expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
        expect(cannotEvaluate(events)).toEqual([]);
        const [record] = readdirSync(logDir).filter((file) => file.endsWith('.osoplog.yaml'));
        expectValidOsoplog(readFileSync(join(logDir, record!), 'utf8'));
      } finally {
        rmSync(logDir, { recursive: true, force: true });
      }
    }, 30_000);

    it(`${name}: the server lists it valid, and a dry run over HTTP completes with a valid .osoplog`, async () => {
      const { workflow } = loaded(name);
      const described = await fetch(`${server.url}/api/workflows/${workflow!.id}`);
      const entry = (await described.json()) as { valid: boolean; diagnostics: Diagnostic[] };
      expect(entry.valid).toBe(true);
      const started = await server.post('/api/runs', { workflow: workflow!.id, dryRun: true });
      const answer = (await started.json()) as { runId?: string };
      expect(started.status, JSON.stringify(answer)).toBe(201);
      const events = await followApproving(answer.runId!);
      expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
      expect(cannotEvaluate(events)).toEqual([]);
      const record = await fetch(`${server.url}/api/runs/${answer.runId}/osoplog`);
      expect(record.status).toBe(200);
      expectValidOsoplog(await record.text());
    }, 30_000);
  }

  for (const name of INVALID) {
    it(`${name}: refused by sopstate run and by the server, located where the loader locates it`, async () => {
      const { diagnostics } = loaded(name);
      expect(located(diagnostics).length).toBeGreaterThan(0);
      const err: string[] = [];
      const code = await runWorkflowCommand(
        fixture(name),
        { input: [], secret: [], approve: [], reject: [], dryRun: true, logDir: dir },
        { stdout: () => {}, stderr: (text) => err.push(text), env: {}, cwd: dir },
      );
      expect(code).toBe(2);
      for (const diagnostic of diagnostics.filter((d) => d.severity === 'error'))
        expect(err.join('')).toContain(`${name}.osop.yaml:${diagnostic.line}:${diagnostic.col}: error`);
      // A document that does not load is listed under its file name.
      const described = await fetch(`${server.url}/api/workflows/${name}`);
      const entry = (await described.json()) as { valid: boolean; diagnostics: Diagnostic[] };
      expect(entry.valid).toBe(false);
      expect(located(entry.diagnostics)).toEqual(located(diagnostics));
      const started = await server.post('/api/runs', { workflow: name, dryRun: true });
      expect(started.status).toBe(400);
      expect(((await started.json()) as { error: { code: string } }).error.code).toBe('invalid-workflow');
    }, 30_000);
  }
});
