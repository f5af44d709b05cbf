// The page's graph draws dataflow and message edges dashed (they carry data, not control) and labels the else branch.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { openPage, selectWorkflow } from './support/page.ts';

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1000 },
  server: { workflowsDir: resolve(import.meta.dirname, '../fixtures/semantics') },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

const dashes = (selector: string) =>
  page.$$eval(selector, (lines) => lines.map((line) => line.getAttribute('stroke-dasharray')));

describe('the graph of a workflow with data-only edges', () => {
  it('draws the dataflow and message edges dashed and the control edges solid', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'data_only_edges');
    expect(await dashes('#graph .edge--dataflow .edge-line')).toEqual(['2 4', '2 4']);
    expect(await dashes('#graph .edge--message .edge-line')).toEqual(['2 4']);
    expect(await dashes('#graph .edge--sequential .edge-line')).toEqual([null, null, null]);
  });

  it('labels the else branch of conditional edges as otherwise', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'otherwise_branch');
    expect(await page.textContent('#graph')).toContain('conditional: otherwise');
  });
});
