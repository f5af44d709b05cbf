// The page's timeline shows a sub-workflow's events indented under the node that runs it.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { openPage, runFinished, selectWorkflow } from './support/page.ts';

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1000 },
  server: { workflowsDir: resolve(import.meta.dirname, '../fixtures/semantics'), allowCli: true },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

describe('the timeline of a run with a sub-workflow', () => {
  it('indents the child steps under the workflow node, and a click on one selects that node', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'subworkflow-parent');
    await page.fill('#inputs input[name="who"]', 'Ada');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');
    const rows = await page.$$eval('#timeline li', (items) =>
      items.map((item) => ({
        node: item.getAttribute('data-node'),
        type: item.getAttribute('data-type'),
        nested: item.classList.contains('event--nested'),
        parent: item.getAttribute('data-parent'),
        indent: Number.parseFloat(getComputedStyle(item.querySelector('.event-text')!).paddingLeft),
      })),
    );
    const started = rows.findIndex((row) => row.type === 'node.started' && row.node === 'greet_all');
    const ended = rows.findIndex((row) => row.type === 'node.completed' && row.node === 'greet_all');
    expect(started).toBeGreaterThan(-1);
    const inside = rows.slice(started + 1, ended);
    expect(inside.map((row) => row.node)).toContain('greet_all/sign_off');
    for (const row of inside) expect(row).toMatchObject({ nested: true, parent: 'greet_all' });
    expect(inside[0].indent).toBeGreaterThan(rows[started].indent);
    expect(rows[started].nested).toBe(false);
    await page.click('#timeline li[data-type="node.completed"][data-node="greet_all/hello"]');
    await page.waitForSelector('#node-panel[data-node="greet_all"]');
  });
});
