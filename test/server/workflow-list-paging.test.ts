// Issue 20 (catalog): GET /api/workflows answers a page of summaries over a big folder, re-reads a changed file, and a
// bad file is only its own entry.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { createFakeRunner } from './support/fake-runner.ts';

const FILES = 300;
/** The generated files, the broken one and a copy declaring an id already taken. */
const LISTED = FILES + 2;
const name = (index: number) => `w${String(index).padStart(3, '0')}`;
const workflowText = (id: string, title: string) =>
  `osop_version: "1.0"\nid: ${id}\nname: ${title}\nnodes: [{id: a, type: api}, {id: b, type: api}]\nedges: [{from: a, to: b}]\n`;
/** An edge to nodes that do not exist: one error per edge. */
const brokenText = (edges: number) =>
  `osop_version: "1.0"\nid: broken\nnodes: [{id: a, type: api}]\nedges:\n${Array.from({ length: edges }, (_, i) => `  - {from: a, to: missing${i}}`).join('\n')}\n`;

interface Page {
  workflows: Array<{
    id: string;
    name: string;
    valid: boolean;
    diagnostics: unknown[];
    diagnosticCounts: { error: number; warning: number };
  }>;
  total: number;
  limit: number;
  offset: number;
  nextOffset?: number;
}

let dir: string;
let server: RunningServer;
const list = async (query = ''): Promise<{ status: number; body: Page }> => {
  const response = await fetch(`${server.url}/api/workflows${query}`);
  return { status: response.status, body: (await response.json()) as Page };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopstate-paging-'));
  for (let index = 0; index < FILES; index += 1)
    writeFileSync(join(dir, `${name(index)}.osop.yaml`), workflowText(name(index), `Workflow ${index}`));
  writeFileSync(join(dir, 'broken.osop.yaml'), brokenText(40));
  // Sorted after w007: declares w007's id again.
  writeFileSync(join(dir, 'w007z.osop.yaml'), workflowText(name(7), 'Copy of seven'));
  server = await startServer({
    workflowsDir: dir,
    dbFile: join(dir, 'runs.db'),
    port: 0,
    runtime: { startRun: createFakeRunner().startRun, load: loadWorkflowFile, createExecutors: () => ({}) },
    secrets: {},
    log: () => {},
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/workflows over a folder of 302 files', () => {
  it('answers one page of summaries with the total and where the next page starts', async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body.total).toBe(LISTED);
    expect(body.workflows).toHaveLength(50);
    expect(body.nextOffset).toBe(50);
    expect(body.workflows[0]).not.toHaveProperty('nodes');
    const ids: string[] = [];
    for (let offset: number | undefined = 0; offset !== undefined;) {
      const page: Page = (await list(`?limit=120&offset=${offset}`)).body;
      ids.push(...page.workflows.map((workflow) => workflow.id));
      offset = page.nextOffset;
    }
    expect(ids).toHaveLength(LISTED);
    expect(new Set(ids).size).toBe(LISTED);
  });

  it('finds workflows by part of their id or name', async () => {
    const { body } = await list('?q=W29');
    expect(body.workflows.map((workflow) => workflow.id)).toEqual(Array.from({ length: 10 }, (_, i) => name(290 + i)));
    expect(body.total).toBe(10);
    expect(body).not.toHaveProperty('nextOffset');
  });

  it('counts a bad file’s diagnostics in the list, shows a few, and keeps them all for the detail', async () => {
    const { body } = await list('?q=broken');
    const [broken] = body.workflows;
    expect(broken).toMatchObject({ id: 'broken', valid: false });
    expect(broken.diagnosticCounts.error).toBeGreaterThanOrEqual(40);
    expect(broken.diagnostics).toHaveLength(3);
    const detail = (await (await fetch(`${server.url}/api/workflows/broken`)).json()) as { diagnostics: unknown[] };
    expect(detail.diagnostics).toHaveLength(broken.diagnosticCounts.error + broken.diagnosticCounts.warning);
    const healthy = (await list('?q=w000')).body.workflows[0];
    expect(healthy).toMatchObject({ valid: true, diagnosticCounts: { error: 0, warning: 0 }, diagnostics: [] });
  });

  it('serves a second file declaring a taken id under its file name, with a warning', async () => {
    const page = (await list(`?offset=0&limit=20`)).body;
    const copy = page.workflows.find((workflow) => workflow.id === 'w007z');
    expect(copy).toMatchObject({ name: 'Copy of seven', diagnosticCounts: { error: 0, warning: 1 } });
    expect(page.workflows.filter((workflow) => workflow.id === name(7))).toHaveLength(1);
  });

  it('re-reads a file changed on disk', async () => {
    expect((await list('?q=w007')).body.workflows.find((w) => w.id === name(7))?.name).toBe('Workflow 7');
    const file = join(dir, `${name(7)}.osop.yaml`);
    writeFileSync(file, workflowText(name(7), 'Renamed seven'));
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect((await list('?q=w007')).body.workflows.find((w) => w.id === name(7))?.name).toBe('Renamed seven');
  });

  it('refuses a page size past the bound', async () => {
    expect((await list('?limit=501')).status).toBe(400);
    expect((await list('?offset=-1')).status).toBe(400);
  });
});
