// Issue 17 through the server: a workflows folder holding a parent and its child; the catalog judges each parent by
// its children, a run streams the child's events nested in the parent's stream, and a cancel stops the child too.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { schemaValidator } from '../../../src/osop/schema-verdict.ts';
import { streamRun } from '../support/sse-client.ts';
import { startRealServer, startRunOver, type RealServer } from './real-server.ts';

const SEMANTICS = join(import.meta.dirname, '../../fixtures/semantics');
let server: RealServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-subflows-'));
  for (const name of ['subworkflow-parent', 'subworkflow-child', 'subworkflow-missing'])
    copyFileSync(join(SEMANTICS, `${name}.osop.yaml`), join(dir, `${name}.osop.yaml`));
  writeFileSync(
    join(dir, 'slow-child.osop.yaml'),
    'osop_version: "1.0"\nid: slow-child\nname: Naps\nnodes:\n  - { id: nap, type: cli, runtime: { command: "sleep 30" } }\n',
  );
  writeFileSync(
    join(dir, 'slow-parent.osop.yaml'),
    'osop_version: "1.0"\nid: slow-parent\nname: Waits on a slow child\nnodes:\n  - { id: wait, type: workflow, workflow_ref: ./slow-child.osop.yaml }\n',
  );
  server = await startRealServer({ workflowsDir: dir, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Listed {
  id: string;
  valid: boolean;
  diagnostics: Array<{ severity: string; message: string; line: number; col: number }>;
}

describe('sub-workflows over HTTP', () => {
  it('lists a parent whose child is there as valid, and only the parent of a missing child as invalid', async () => {
    const response = await fetch(`${server.url}/api/workflows`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { workflows?: Listed[]; items?: Listed[] };
    const listed = body.workflows ?? body.items ?? [];
    const byId = new Map(listed.map((entry) => [entry.id, entry]));
    expect(byId.get('subworkflow-parent')?.valid).toBe(true);
    expect(byId.get('subworkflow-child')?.valid).toBe(true);
    const missing = byId.get('subworkflow-missing');
    expect(missing?.valid).toBe(false);
    expect(missing?.diagnostics[0]).toMatchObject({ severity: 'error', line: 10, col: 19 });
    expect(missing?.diagnostics[0].message).toContain('node run_child: workflow_ref ./no-such-child.osop.yaml');
  });

  it('refuses a child outside the workflow folder, and sees a fixed child without the parent changing', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'sopstate-subflows-outside-'));
    try {
      copyFileSync(join(SEMANTICS, 'subworkflow-child.osop.yaml'), join(outside, 'child.osop.yaml'));
      writeFileSync(
        join(dir, 'escapes.osop.yaml'),
        `osop_version: "1.0"\nid: escapes\nname: Runs a file from elsewhere\nnodes:\n  - id: away\n    type: workflow\n    workflow_ref: ${join(outside, 'child.osop.yaml')}\n    workflow_inputs: { who: x }\n`,
      );
      writeFileSync(
        join(dir, 'later.osop.yaml'),
        'osop_version: "1.0"\nid: later\nname: Its child comes later\nnodes:\n  - { id: run, type: workflow, workflow_ref: ./later-child.osop.yaml }\n',
      );
      const listed = async () => {
        const body = (await (await fetch(`${server.url}/api/workflows`)).json()) as { workflows?: Listed[] };
        return new Map((body.workflows ?? []).map((entry) => [entry.id, entry]));
      };
      const first = await listed();
      expect(first.get('escapes')?.valid).toBe(false);
      expect(first.get('escapes')?.diagnostics[0].message).toContain("outside this server's workflow folder");
      expect(first.get('later')?.valid).toBe(false);
      writeFileSync(
        join(dir, 'later-child.osop.yaml'),
        'osop_version: "1.0"\nid: later-child\nname: Here now\nnodes:\n  - { id: hi, type: cli, runtime: { command: "echo hi" } }\n',
      );
      expect((await listed()).get('later')?.valid).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
      for (const name of ['escapes', 'later', 'later-child']) rmSync(join(dir, `${name}.osop.yaml`), { force: true });
    }
  });

  it('streams the child run nested under the node, and serves a valid .osoplog', async () => {
    const runId = await startRunOver(server, 'subworkflow-parent', { who: 'Grace' });
    const { events } = await streamRun(server.url, runId);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const completed = events.flatMap((event) => (event.type === 'node.completed' ? [event.node] : []));
    expect(completed).toEqual([
      'prepare',
      'greet_all/hello',
      'greet_all/check',
      'greet_all/sign_off',
      'greet_all',
      'report',
    ]);
    expect(events.find((event) => event.type === 'node.completed' && event.node === 'report')).toMatchObject({
      outputs: { stdout: 'got bye-Grace' },
    });
    const response = await fetch(`${server.url}/api/runs/${runId}/osoplog`);
    expect(response.status).toBe(200);
    const log = parse(await response.text()) as Record<string, unknown>;
    const validate = schemaValidator('osoplog');
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'greet_all/hello')).toMatchObject({
      parent_id: 'greet_all',
      status: 'COMPLETED',
    });
  }, 30_000);

  it('refuses to start a parent whose child is missing, saying where', async () => {
    const response = await server.post('/api/runs', { workflow: 'subworkflow-missing' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).toContain('no-such-child.osop.yaml');
  });

  it('stops the child when the parent run is cancelled', async () => {
    const runId = await startRunOver(server, 'slow-parent');
    const started = Date.now();
    const result = await streamRun(server.url, runId, {
      onEvent: (event: RunEvent) => {
        if (event.type === 'node.command' && event.node === 'wait/nap')
          void server.post(`/api/runs/${runId}/cancel`, {});
      },
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', status: 'CANCELLED' });
    expect(result.events).toContainEqual(
      expect.objectContaining({
        type: 'node.failed',
        node: 'wait/nap',
        error: expect.objectContaining({ code: 'cancelled' }),
      }),
    );
    expect(result.events).toContainEqual(
      expect.objectContaining({
        type: 'node.failed',
        node: 'wait',
        error: expect.objectContaining({ code: 'cancelled' }),
      }),
    );
  }, 30_000);

  it('runs the child again from its start after a restart mid-child, in the same stream', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'sopstate-subflows-restart-'));
    const dbFile = join(dbDir, 'runs.db');
    writeFileSync(
      join(dir, 'restart-child.osop.yaml'),
      'osop_version: "1.0"\nid: restart-child\nname: One, then a nap\nnodes:\n  - { id: one, type: cli, runtime: { command: "echo one" } }\n  - { id: nap, type: cli, runtime: { command: "sleep 2; echo rested" } }\nedges:\n  - { from: one, to: nap }\n',
    );
    writeFileSync(
      join(dir, 'restart-parent.osop.yaml'),
      'osop_version: "1.0"\nid: restart-parent\nname: Survives a restart mid-child\nnodes:\n  - { id: sub, type: workflow, workflow_ref: ./restart-child.osop.yaml }\n',
    );
    try {
      const first = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      const runId = await startRunOver(first, 'restart-parent');
      const before = await streamRun(first.url, runId, {
        stopWhen: (event) => event.type === 'node.command' && event.node === 'sub/nap',
      });
      await first.cleanup();
      const second = await startRealServer({ workflowsDir: dir, allowCli: true, dbFile });
      try {
        expect(second.restored.restored).toEqual([runId]);
        const after = await streamRun(second.url, runId, { lastEventId: before.events.at(-1)?.seq });
        expect(after.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
        expect(after.events[0].seq).toBe((before.events.at(-1)?.seq ?? 0) + 1);
        const started = after.events.flatMap((event) => (event.type === 'node.started' ? [event.node] : []));
        expect(started).toEqual(['sub', 'sub/one', 'sub/nap']);
        expect(after.events.find((event) => event.type === 'node.completed' && event.node === 'sub')).toMatchObject({
          outputs: { stdout: 'rested' },
        });
      } finally {
        await second.cleanup();
      }
    } finally {
      rmSync(dbDir, { recursive: true, force: true });
    }
  }, 60_000);
});
