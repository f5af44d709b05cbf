// Issue 13, point 5 (catalog): one bad file in the workflow folder is that file's diagnostic, never a 500.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { WorkflowCatalog } from '../../src/server/workflow-catalog.ts';
import { createFakeRunner } from '../server/support/fake-runner.ts';

const SEED = resolve(import.meta.dirname, '../../examples/stripe-payment-seed.osop.yaml');
/** A 60 KB condition `a.x+a.x+…`: deep enough to overflow a recursive parser's stack. */
const overflowing = (): string => {
  const condition = Array.from({ length: 15_000 }, () => 'a.x').join('+');
  return `id: deep\nnodes: [{id: a, type: api}, {id: b, type: api}]\nedges:\n  - {from: a, to: b, mode: conditional, condition: "${condition}"}\n`;
};

const dirs: string[] = [];
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const folderWithBadFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-catalog-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'workflows'));
  copyFileSync(SEED, join(dir, 'workflows', 'stripe-payment-seed.osop.yaml'));
  writeFileSync(join(dir, 'workflows', 'deep.osop.yaml'), overflowing());
  return dir;
};

interface Summary {
  id: string;
  valid: boolean;
  diagnostics: Array<{ file: string; code: string; message: string }>;
}

describe('a folder holding a file that overflows the loader', () => {
  it('still lists the seed, shows the bad file as its own entry, and starts seed runs', async () => {
    const dir = folderWithBadFile();
    const runner = createFakeRunner();
    server = await startServer({
      workflowsDir: join(dir, 'workflows'),
      dbFile: join(dir, 'runs.db'),
      port: 0,
      runtime: { startRun: runner.startRun, load: loadWorkflowFile, createExecutors: () => ({}) },
      secrets: { STRIPE_SECRET_KEY: 'sk_test_x' },
      log: () => {},
    });
    const listed = await fetch(`${server.url}/api/workflows`);
    expect(listed.status).toBe(200);
    const { workflows } = (await listed.json()) as { workflows: Summary[] };
    expect(workflows.find((w) => w.id === 'sop-stripe-payment')).toMatchObject({ valid: true, diagnostics: [] });
    const deep = workflows.find((w) => w.id === 'deep');
    expect(deep, JSON.stringify(workflows.map((w) => w.id))).toBeDefined();
    for (const diagnostic of deep?.diagnostics ?? []) expect(diagnostic.file).toBe('deep.osop.yaml');

    const started = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'sop-stripe-payment' }),
    });
    expect(started.status).toBe(201);
    expect(runner.started).toHaveLength(1);
    expect((await fetch(`${server.url}/api/workflows/sop-stripe-payment`)).status).toBe(200);
  });
});

describe('the catalog', () => {
  it('turns whatever a loader throws into that file’s located diagnostic', async () => {
    const dir = folderWithBadFile();
    const catalog = new WorkflowCatalog({
      dir: join(dir, 'workflows'),
      load: async (file) => {
        if (file.endsWith('deep.osop.yaml')) throw new RangeError('Maximum call stack size exceeded');
        return loadWorkflowFile(file);
      },
    });
    const entries = await catalog.list();
    expect(entries.map((entry) => [entry.id, entry.workflow !== undefined])).toEqual([
      ['deep', false],
      ['sop-stripe-payment', true],
    ]);
    expect(entries[0].diagnostics).toEqual([
      expect.objectContaining({
        code: 'load-crashed',
        line: 1,
        col: 1,
        message: expect.stringContaining('Maximum call stack'),
      }),
    ]);
    expect((await catalog.get('sop-stripe-payment'))?.workflow?.id).toBe('sop-stripe-payment');
  });

  it('loads each file once while unchanged, even for requests that arrive together', async () => {
    const dir = folderWithBadFile();
    const loads: string[] = [];
    const catalog = new WorkflowCatalog({
      dir: join(dir, 'workflows'),
      load: async (file) => {
        loads.push(file);
        await new Promise((done) => setTimeout(done, 20));
        return { diagnostics: [] };
      },
    });
    await Promise.all([catalog.list(), catalog.list(), catalog.get('deep'), catalog.get('stripe-payment-seed')]);
    await catalog.list();
    expect(loads).toHaveLength(2);
  });

  it('answers a lookup asked while another one is reading the file with the file as it is then', async () => {
    const dir = folderWithBadFile();
    const file = join(dir, 'workflows', 'changing.osop.yaml');
    const text = (name: string) =>
      `osop_version: "1.0"\nid: changing\nname: ${name}\nnodes: [{id: a, type: api}, {id: b, type: api}]\nedges: [{from: a, to: b}]\n`;
    writeFileSync(file, text('before'));
    let reading: () => void = () => {};
    const firstRead = new Promise<void>((started) => (reading = started));
    let release: () => void = () => {};
    const held = new Promise<void>((go) => (release = go));
    const catalog = new WorkflowCatalog({
      dir: join(dir, 'workflows'),
      load: async (path) => {
        const result = await loadWorkflowFile(path);
        reading();
        await held;
        return result;
      },
    });
    const first = catalog.get('changing');
    // The first lookup has read the file: it changes, then a second lookup is asked before the first one answers.
    await firstRead;
    writeFileSync(file, text('after'));
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    const second = catalog.get('changing');
    release();
    expect((await first)?.workflow?.name).toBe('before');
    expect((await second)?.workflow?.name).toBe('after');
  });
});
