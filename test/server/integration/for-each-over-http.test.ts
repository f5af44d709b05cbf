// Issue 17 through the server: a for_each edge runs its two-node body once per item, then the rejoin node once.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'sopstate-for-each-'));
  copyFileSync(join(SEMANTICS, 'for-each-body.osop.yaml'), join(dir, 'for-each-body.osop.yaml'));
  copyFileSync(join(SEMANTICS, 'for-each-parallel.osop.yaml'), join(dir, 'for-each-parallel.osop.yaml'));
  server = await startRealServer({ workflowsDir: dir, allowCli: true });
});
afterAll(async () => {
  await server.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const printed = (events: RunEvent[], node: string) =>
  events.flatMap((event) => (event.type === 'node.completed' && event.node === node ? [event.outputs.stdout] : []));

describe('a for_each body over HTTP', () => {
  it('runs render and send_email once per item with the item, then report once; the .osoplog is valid', async () => {
    const recipients = ['ada', 'grace', 'alan', 'edsger', 'barbara'];
    const runId = await startRunOver(server, 'for-each-body', { recipients });
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    expect(printed(result.events, 'render')).toEqual(recipients.map((name, index) => `rendered ${name} ${index}`));
    expect(printed(result.events, 'send_email')).toEqual(recipients.map((name, index) => `sent ${name} ${index}`));
    expect(printed(result.events, 'report')).toEqual(['report: all sent']);
    const visits = result.events.flatMap((event) =>
      event.type === 'node.started' && event.node === 'send_email' ? [event.visit] : [],
    );
    expect(visits).toEqual([1, 2, 3, 4, 5]);

    const response = await fetch(`${server.url}/api/runs/${runId}/osoplog`);
    expect(response.status).toBe(200);
    const log = parse(await response.text()) as { node_records: Array<{ node_id: string }> };
    const validate = schemaValidator('osoplog');
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.node_records.filter((record) => record.node_id === 'send_email')).toHaveLength(5);
    expect(log.node_records.filter((record) => record.node_id === 'report')).toHaveLength(1);
  }, 30_000);
});

describe('a parallel for_each over HTTP', () => {
  it('runs at most two items at once, each with its own item, then report once; the .osoplog is valid', async () => {
    const recipients = ['ada', 'grace', 'alan', 'edsger', 'barbara'];
    const runId = await startRunOver(server, 'for-each-parallel', { recipients });
    const result = await streamRun(server.url, runId);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });
    const running = new Set<string>();
    let most = 0;
    for (const event of result.events) {
      if (event.type === 'node.started') running.add(`${event.node}:${event.visit}`);
      if (event.type === 'node.completed') running.delete(`${event.node}:${event.visit}`);
      most = Math.max(most, running.size);
    }
    expect(most).toBe(2);
    expect([...printed(result.events, 'render')].sort()).toEqual(
      recipients.map((name, index) => `rendered ${name} ${index}`).sort(),
    );
    expect([...printed(result.events, 'send_email')].sort()).toEqual(
      recipients.map((name, index) => `sent ${name} ${index}`).sort(),
    );
    expect(printed(result.events, 'report')).toEqual(['report: all sent']);
    const lastSent = result.events.findLastIndex(
      (event) => event.type === 'node.completed' && event.node === 'send_email',
    );
    const report = result.events.findIndex((event) => event.type === 'node.started' && event.node === 'report');
    expect(report).toBeGreaterThan(lastSent);

    const response = await fetch(`${server.url}/api/runs/${runId}/osoplog`);
    expect(response.status).toBe(200);
    const log = parse(await response.text()) as { node_records: Array<{ node_id: string }> };
    const validate = schemaValidator('osoplog');
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.node_records.filter((record) => record.node_id === 'render')).toHaveLength(5);
    expect(log.node_records.filter((record) => record.node_id === 'report')).toHaveLength(1);
  }, 30_000);
});
